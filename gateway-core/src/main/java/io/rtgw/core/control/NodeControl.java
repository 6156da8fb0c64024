package io.rtgw.core.control;

import io.rtgw.core.ClientSession;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.SessionDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the server API's commands to this node's connections (docs/protocol.md §7). Each
 * connection is acted on by its own thread; the directory finds a user's connections without a
 * scan, so a burst of commands costs each event loop only the connections they name.
 */
public final class NodeControl implements ControlListener {
    private static final Logger log = LoggerFactory.getLogger(NodeControl.class);
    private final SessionDirectory directory;
    private final RevocationSet revocations;
    private volatile ControlPlane plane;
    /** Told of every command before it is applied (the subscribe hook's cache forgets what it names). */
    private volatile java.util.function.Consumer<ControlCommand> also = command -> { };

    private static final long MAX_LOAD_PAUSE_MS = 5_000;
    private volatile boolean stopped;

    public NodeControl(SessionDirectory directory, RevocationSet revocations) {
        this.directory = directory;
        this.revocations = revocations;
    }

    /**
     * Joins the control plane, then reads the active revocations: in that order, so a revocation
     * stored meanwhile arrives as a command if the read misses it. The node admits no one before
     * this completes.
     */
    public CompletableFuture<Void> start(String nodeId, ControlPlane controlPlane) {
        this.plane = controlPlane;
        CompletableFuture<Void> loaded = new CompletableFuture<>();
        controlPlane.start(nodeId, this).whenComplete((ok, error) -> {
            if (error != null) {
                loaded.completeExceptionally(error);
            } else {
                load(controlPlane, loaded, 0);
            }
        });
        return loaded;
    }

    /**
     * Reads the revocation set until it succeeds: a node whose set never loads would refuse every
     * token as unavailable for good. Retried with a growing pause (up to {@link #MAX_LOAD_PAUSE_MS}).
     */
    private void load(ControlPlane controlPlane, CompletableFuture<Void> loaded, int attempt) {
        if (stopped) {
            return;
        }
        controlPlane.revocations().whenComplete((active, error) -> {
            if (error == null) {
                revocations.replaceAll(active);
                loaded.complete(null);
                return;
            }
            if (attempt == 0) {
                log.warn("reading revocations failed, retrying until it works: {}", error.toString());
            }
            long pause = Math.min(MAX_LOAD_PAUSE_MS, 100L << Math.min(attempt, 10));
            CompletableFuture.delayedExecutor(pause, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(() -> load(controlPlane, loaded, attempt + 1));
        });
    }

    /** {@code observer} sees every command this node receives, on the control plane's thread; it must not block. */
    public void alsoTell(java.util.function.Consumer<ControlCommand> observer) {
        this.also = observer;
    }

    @Override
    public CompletableFuture<Integer> apply(ControlCommand command) {
        also.accept(command);
        if (command instanceof ControlCommand.Disconnect d) {
            DisconnectReason reason = d.reconnect() ? DisconnectReason.DISCONNECTED_RECONNECT : DisconnectReason.DISCONNECTED;
            // long-poll clients between two polls have no session; their next poll is told (a
            // client id names one poll only, so a disconnect of one client reaches held polls only)
            int between = d.client() == null ? directory.disconnectBetweenRequests(d.tenant(), d.user(), reason) : 0;
            return onEach(directory.sessionsOf(d.tenant(), d.user()),
                    s -> (d.client() == null || d.client().equals(s.connection().id())) && closed(s, reason))
                    .thenApply(n -> n + between);
        }
        if (command instanceof ControlCommand.Unsubscribe u) {
            int between = directory.unsubscribeBetweenRequests(u.tenant(), u.user(), u.channel());
            return onEach(directory.sessionsOf(u.tenant(), u.user()), s -> s.unsubscribeByServer(u.channel()))
                    .thenApply(n -> n + between);
        }
        if (command instanceof ControlCommand.Revoke r) {
            Revocation revocation = r.revocation();
            revocations.add(revocation);
            List<ClientSession> named = revocation.byUser()
                    ? directory.sessionsOf(revocation.tenant(), revocation.user())
                    : directory.sessionsOf(revocation.tenant());
            // A token revocation names no user: only the sessions it covers get a task, or a burst
            // of them would queue one task per session of the tenant per revocation on the loops.
            // Checked again on the session's thread, where its identity is current. Filtered into
            // a new list: the directory's answer for a user with no sessions is immutable.
            List<ClientSession> covered = named.stream().filter(s -> revocation.covers(s.identity())).toList();
            return onEach(covered, s -> revocation.covers(s.identity()) && closed(s, DisconnectReason.REVOKED));
        }
        if (command instanceof ControlCommand.Lift l) {
            revocations.remove(l.revocation());
            return CompletableFuture.completedFuture(0);
        }
        throw new IllegalArgumentException("unknown command " + command);
    }

    /** The node is stopping: no more retries of the revocation read. */
    public void stop() {
        stopped = true;
    }

    /** Commands may have been missed: re-read the set and close what it now covers. */
    @Override
    public void onRejoined() {
        ControlPlane p = plane;
        if (p == null) {
            return;
        }
        p.revocations().whenComplete((active, error) -> {
            if (error != null) {
                log.warn("re-reading revocations failed: {}", error.toString());
                return;
            }
            revocations.replaceAll(active);
            List<ClientSession> all = new ArrayList<>();
            for (String tenant : directory.connectionsByTenant().keySet()) {
                all.addAll(directory.sessionsOf(tenant));
            }
            all.removeIf(s -> !revocations.revoked(s.identity())); // as above: tasks only for the covered
            onEach(all, s -> revocations.revoked(s.identity()) && closed(s, DisconnectReason.REVOKED));
        });
    }

    private static boolean closed(ClientSession session, DisconnectReason reason) {
        session.disconnect(reason);
        return true;
    }

    /** Runs {@code action} on each session's own thread; completes with how many it applied to. */
    private static CompletableFuture<Integer> onEach(List<ClientSession> sessions, Predicate<ClientSession> action) {
        if (sessions.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        List<CompletableFuture<Boolean>> done = new ArrayList<>(sessions.size());
        for (ClientSession s : sessions) {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            try {
                s.executor().execute(() -> {
                    try {
                        f.complete(action.test(s));
                    } catch (RuntimeException e) {
                        f.completeExceptionally(e);
                    }
                });
            } catch (RejectedExecutionException stopping) {
                f.complete(false); // its event loop is gone, and the connection with it
            }
            done.add(f);
        }
        return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).thenApply(ok -> {
            int n = 0;
            for (CompletableFuture<Boolean> f : done) {
                n += f.join() ? 1 : 0;
            }
            return n;
        });
    }
}
