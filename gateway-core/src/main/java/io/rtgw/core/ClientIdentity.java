package io.rtgw.core;

import java.util.List;
import java.util.Objects;

/**
 * Who is on a connection, as decided by a verified token: never by anything the client says.
 *
 * @param user         the token's {@code sub}
 * @param tenant       the token's tenant (validated as in docs/protocol.md §2)
 * @param expiresAt    Unix seconds of {@code exp}, or 0 when the token has none
 * @param subscribable patterns of the {@code channels} claim
 * @param publishable  patterns of the {@code publish} claim
 * @param issuedAt     Unix seconds of {@code iat}, or 0 when the token has none (revocations, docs/protocol.md §7)
 * @param tokenId      the token's {@code jti}, or null
 * @param info         the token's {@code info} claim as compact JSON (an object of at most
 *                     {@link #MAX_INFO_BYTES}), or null; shown through presence (docs/protocol.md §9)
 */
public record ClientIdentity(String user, String tenant, long expiresAt,
                             List<ChannelPattern> subscribable, List<ChannelPattern> publishable,
                             long issuedAt, String tokenId, String info) {

    public static final String PERSONAL_NAMESPACE = "user:";
    /** The largest {@code info} claim, serialized as UTF-8 (docs/protocol.md §3). */
    public static final int MAX_INFO_BYTES = 1024;

    public ClientIdentity {
        Objects.requireNonNull(user, "user");
        ChannelName.requireValidTenant(tenant);
        subscribable = List.copyOf(subscribable);
        publishable = List.copyOf(publishable);
    }

    /** An identity whose token carries no {@code info}. */
    public ClientIdentity(String user, String tenant, long expiresAt,
                          List<ChannelPattern> subscribable, List<ChannelPattern> publishable,
                          long issuedAt, String tokenId) {
        this(user, tenant, expiresAt, subscribable, publishable, issuedAt, tokenId, null);
    }

    /** An identity whose token carries neither {@code iat} nor {@code jti}. */
    public ClientIdentity(String user, String tenant, long expiresAt,
                          List<ChannelPattern> subscribable, List<ChannelPattern> publishable) {
        this(user, tenant, expiresAt, subscribable, publishable, 0, null, null);
    }

    /**
     * The same identity with {@code channels} granted too: a stream's channels that the app's
     * subscribe hook allowed (docs/protocol.md §11), for the life of that one stream.
     */
    public ClientIdentity grantedToo(List<String> channels) {
        List<ChannelPattern> more = new java.util.ArrayList<>(subscribable);
        channels.forEach(c -> more.add(ChannelPattern.parse(c)));
        return new ClientIdentity(user, tenant, expiresAt, more, publishable, issuedAt, tokenId, info);
    }

    /** {@code user:<sub>}, or null when the user id is not a valid channel suffix. */
    public String personalChannel() {
        String name = PERSONAL_NAMESPACE + user;
        return ChannelName.isValidName(name) ? name : null;
    }

    public boolean maySubscribe(String channel) {
        return channel.equals(personalChannel()) || anyMatches(subscribable, channel);
    }

    public boolean mayPublish(String channel) {
        return anyMatches(publishable, channel);
    }

    public boolean expires() {
        return expiresAt > 0;
    }

    /** The same person: what a refreshed token must keep. */
    public boolean samePrincipal(ClientIdentity other) {
        return user.equals(other.user) && tenant.equals(other.tenant);
    }

    private static boolean anyMatches(List<ChannelPattern> patterns, String channel) {
        for (ChannelPattern p : patterns) {
            if (p.matches(channel)) {
                return true;
            }
        }
        return false;
    }
}
