package io.rtgw.auth;
