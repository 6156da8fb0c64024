package io.rtgw.core;
