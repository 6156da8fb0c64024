package io.rtgw.metrics;
