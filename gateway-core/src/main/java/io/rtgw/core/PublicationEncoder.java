package io.rtgw.core;

/**
 * Turns a publication into the shared part of one wire format. Implemented by the transports;
 * core knows no JSON library and no network framework.
 */
public interface PublicationEncoder {
    int MAX_SLOTS = 4;

    /** A distinct number in [0, {@link #MAX_SLOTS}) per wire format: the cache slot. */
    int slot();

    byte[] encode(Publication publication);
}
