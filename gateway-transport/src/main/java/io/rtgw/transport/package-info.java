package io.rtgw.transport;
