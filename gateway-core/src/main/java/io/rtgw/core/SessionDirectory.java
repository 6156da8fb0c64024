package io.rtgw.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's authenticated sessions by tenant and user, so the server API (docs/protocol.md §7)
 * reaches a user's connections without scanning the node, and reports count them by user.
 * Sessions add themselves when they start and remove themselves when they close; any thread.
 */
public final class SessionDirectory {
    private final Map<String, Map<String, Set<ClientSession>>> byTenant = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private volatile BetweenRequests betweenRequests = BetweenRequests.NONE;

    /**
     * Clients the node serves one request at a time (long-poll): between two requests they have
     * no session here, yet the node keeps their place. The app's commands must reach them too, at their next request.
     */
    public interface BetweenRequests {
        BetweenRequests NONE = new BetweenRequests() {
            @Override
            public int disconnect(String tenant, String user, DisconnectReason reason) {
                return 0;
            }

            @Override
            public int unsubscribe(String tenant, String user, String channel) {
                return 0;
            }
        };

        /**
         * Marks the user's clients that hold no request now, so that their next request is
         * answered {@code reason} at once instead of being admitted again.
         *
         * @return how many were marked
         */
        int disconnect(String tenant, String user, DisconnectReason reason);

        /**
         * Marks the user's clients that hold no request now and whose requests name
         * {@code channel}: their next request is told the channel ended and does not subscribe it.
         *
         * @return how many were marked
         */
        int unsubscribe(String tenant, String user, String channel);
    }

    /** Set once by the transport that has such clients. */
    public void betweenRequests(BetweenRequests clients) {
        this.betweenRequests = java.util.Objects.requireNonNull(clients, "clients");
    }

    /** @see BetweenRequests#disconnect */
    public int disconnectBetweenRequests(String tenant, String user, DisconnectReason reason) {
        return betweenRequests.disconnect(tenant, user, reason);
    }

    /** @see BetweenRequests#unsubscribe */
    public int unsubscribeBetweenRequests(String tenant, String user, String channel) {
        return betweenRequests.unsubscribe(tenant, user, channel);
    }

    void add(ClientSession session) {
        ClientIdentity id = session.identity();
        byTenant.compute(id.tenant(), (t, users) -> {
            Map<String, Set<ClientSession>> u = users == null ? new ConcurrentHashMap<>() : users;
            u.computeIfAbsent(id.user(), k -> ConcurrentHashMap.newKeySet()).add(session);
            return u;
        });
        size.incrementAndGet();
    }

    /** Removes the session as registered under {@code identity} (the one it was added with). */
    void remove(ClientSession session, ClientIdentity identity) {
        byTenant.computeIfPresent(identity.tenant(), (t, users) -> {
            Set<ClientSession> sessions = users.get(identity.user());
            if (sessions != null && sessions.remove(session)) {
                size.decrementAndGet();
                if (sessions.isEmpty()) {
                    users.remove(identity.user());
                }
            }
            return users.isEmpty() ? null : users;
        });
    }

    /** The user's sessions on this node now (a snapshot; act on each on its own executor). */
    public List<ClientSession> sessionsOf(String tenant, String user) {
        Map<String, Set<ClientSession>> users = byTenant.get(tenant);
        Set<ClientSession> sessions = users == null ? null : users.get(user);
        return sessions == null ? List.of() : new ArrayList<>(sessions);
    }

    /** Every session of the tenant now (a snapshot). */
    public List<ClientSession> sessionsOf(String tenant) {
        Map<String, Set<ClientSession>> users = byTenant.get(tenant);
        List<ClientSession> out = new ArrayList<>();
        if (users != null) {
            users.values().forEach(out::addAll);
        }
        return out;
    }

    public int size() {
        return size.get();
    }

    /** Connections per user, by tenant: what the node reports (a snapshot). */
    public Map<String, Map<String, Integer>> connectionsByTenant() {
        Map<String, Map<String, Integer>> out = new HashMap<>();
        byTenant.forEach((tenant, users) -> {
            Map<String, Integer> counts = new HashMap<>();
            users.forEach((user, sessions) -> {
                int n = sessions.size();
                if (n > 0) {
                    counts.put(user, n);
                }
            });
            if (!counts.isEmpty()) {
                out.put(tenant, counts);
            }
        });
        return out;
    }
}
