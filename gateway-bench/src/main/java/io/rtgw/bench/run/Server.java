package io.rtgw.bench.run;

import java.nio.file.Path;
import java.util.List;

/** A push server under test, started and stopped by the run. */
interface Server extends AutoCloseable {
    String name();

    void start(Path dir) throws Exception;

    /** Every process whose memory and CPU count as the server's. */
    List<Long> pids();

    /** The one group all its threads' CPU is counted in, or null for a JVM, split by thread name ({@link ThreadGroups}). */
    default String threadGroup() {
        return null;
    }

    /** Brings memory to a comparable state before an RSS reading (a full GC for a JVM). */
    void settleMemory() throws Exception;

    /**
     * Starts a profile of what follows ({@code settings}: the profiler's, e.g. JFR's "profile" or a
     * .jfc file), kept in {@code dir} until {@link #stopProfile}; a server
     * that cannot be profiled so (not a JVM) ignores both.
     */
    default void startProfile(Path dir, String name, String settings) throws Exception {
    }

    default void stopProfile(String name) throws Exception {
    }

    /** Options for the workers: dialect, URL templates, token. */
    List<String> workerArgs();

    Publisher publisher(int channels, String padding);

    /** Figures of the server's own start, keys beginning with {@code keyPrefix}; none where it has none to tell. */
    default List<Row> startRows(String keyPrefix) {
        return List.of();
    }

    @Override
    void close();
}
