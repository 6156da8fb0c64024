package io.rtgw.testkit;
