package io.rtgw.pubsub;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.broker.HistoryResult;
import java.util.ArrayList;
import java.util.List;

/** The reply of {@code rtgw_history}: {@code {epoch, top-offset, recovered, entries}}. */
record HistoryReply(StreamPosition head, boolean recovered, List<Publication> publications) {

    static HistoryReply parse(ChannelName channel, Object reply) {
        List<?> parts = (List<?>) reply;
        String epoch = (String) parts.get(0);
        StreamPosition head = new StreamPosition(epoch, ((Number) parts.get(1)).longValue());
        boolean recovered = ((Number) parts.get(2)).longValue() == 1;
        List<Publication> publications = new ArrayList<>();
        for (Object e : (List<?>) parts.get(3)) {
            publications.add(entry(channel, epoch, (List<?>) e));
        }
        return new HistoryReply(head, recovered, publications);
    }

    private static Publication entry(ChannelName channel, String epoch, List<?> entry) {
        List<?> fields = (List<?>) entry.get(1);
        long offset = -1;
        long micros = 0;
        String event = null;
        String data = null;
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            String value = (String) fields.get(i + 1);
            switch ((String) fields.get(i)) {
                case "offset" -> offset = Long.parseLong(value);
                case "event" -> event = value;
                case "data" -> data = value;
                case "time" -> micros = Long.parseLong(value);
                default -> {
                }
            }
        }
        if (offset < 0 || event == null || data == null) {
            throw new IllegalStateException("malformed history entry " + entry + " of " + channel);
        }
        return new Publication(channel, new StreamPosition(epoch, offset), event, JsonData.compactOrString(data), micros);
    }

    HistoryResult toResult() {
        return new HistoryResult(recovered ? publications : List.of(), head, recovered);
    }
}
