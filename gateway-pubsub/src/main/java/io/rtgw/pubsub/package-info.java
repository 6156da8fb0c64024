package io.rtgw.pubsub;
