package io.rtgw.server;
