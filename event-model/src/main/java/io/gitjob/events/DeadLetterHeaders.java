package io.gitjob.events;

/**
 * Headers a record carries in {@code gitjob-dead-letters}, beside its original key, value and headers. The
 * names follow SmallRye's dead-letter queue, so the tools people know read them too.
 */
public final class DeadLetterHeaders {
    public static final String REASON = "dead-letter-reason";
    public static final String EXCEPTION_CLASS = "dead-letter-exception-class-name";
    public static final String CAUSE = "dead-letter-cause";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";
    /** Which service could not process the record: the same record may fail in one and not another. */
    public static final String CONSUMER = "dead-letter-consumer";

    private DeadLetterHeaders() {
    }
}
