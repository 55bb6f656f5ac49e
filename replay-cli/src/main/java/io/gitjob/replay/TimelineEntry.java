package io.gitjob.replay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.gitjob.events.Event;
import io.gitjob.events.EventCodec;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.MalformedEventException;
import io.gitjob.events.Topics;

/**
 * One event of a GitRepo's timeline: what happened, when, and the few fields that explain why a Job was or
 * was not created. A record that is not a valid event is shown too, marked malformed: it is part of the story.
 */
record TimelineEntry(Instant time, String topic, int partition, long offset, Event event, String malformed,
        JsonNode value) {

    static TimelineEntry of(ConsumerRecord<String, byte[]> r) {
        Class<? extends Event> type = Topics.GITREPO_EVENTS.equals(r.topic()) ? GitRepoEvent.class : GitJobEvent.class;
        try {
            Event event = EventCodec.decode(r.value(), type);
            return new TimelineEntry(event.time(), r.topic(), r.partition(), r.offset(), event, null,
                    RecordJson.value(r.value()));
        } catch (MalformedEventException e) {
            return new TimelineEntry(Instant.ofEpochMilli(r.timestamp()), r.topic(), r.partition(), r.offset(), null,
                    e.getMessage(), RecordJson.value(r.value()));
        }
    }

    String line() {
        if (event == null) {
            return time + "  malformed  " + malformed;
        }
        List<String> fields = new ArrayList<>();
        fields.add("generation=" + event.generation());
        fields.add("forceSyncGeneration=" + event.forceSyncGeneration());
        if (event instanceof GitRepoEvent.CommitDetected e) {
            fields.add("commit=" + e.commit());
            fields.add("previous=" + e.previousCommit());
            fields.add("fetch=" + e.fetchDurationSeconds() + "s");
            fields.add("source=" + e.source());
        } else if (event instanceof GitRepoEvent.CommitFetchFailed e) {
            fields.add("fetch=" + e.fetchDurationSeconds() + "s");
            fields.add("error=" + e.errorClass() + ": " + e.errorMessage());
        } else if (event instanceof GitRepoEvent.HeadUnchanged e) {
            fields.add("commit=" + e.commit());
            fields.add("fetches=" + e.fetchDurationsSeconds().size());
            fields.add("since=" + e.since());
        } else if (event instanceof GitRepoEvent.Added e) {
            fields.add("commit=" + e.commit());
        } else if (event instanceof GitRepoEvent.SpecChanged e) {
            fields.add("commit=" + e.commit());
        } else if (event instanceof GitRepoEvent.ForceSync e) {
            fields.add("commit=" + e.commit());
        } else if (event instanceof GitJobEvent job) {
            fields.add("job=" + job.jobName());
            if (job instanceof GitJobEvent.JobCreated e) {
                fields.add("commit=" + e.commit());
            } else if (job instanceof GitJobEvent.JobCreationFailed e) {
                fields.add("commit=" + e.commit());
                fields.add("error=" + e.errorClass() + ": " + e.errorMessage());
            } else if (job instanceof GitJobEvent.JobSucceeded e) {
                fields.add("commit=" + e.commit());
                fields.add("duration=" + e.durationSeconds() + "s");
            } else if (job instanceof GitJobEvent.JobFailed e) {
                fields.add("commit=" + e.commit());
                fields.add("error=" + e.reason() + ": " + e.terminationMessage());
            } else if (job instanceof GitJobEvent.JobTerminated e) {
                fields.add("commit=" + e.commit());
                fields.add("why=" + e.cause());
            } else if (job instanceof GitJobEvent.JobDecided e) {
                fields.add("trigger=" + e.trigger());
                fields.add("wanted=" + e.seen().wantedCommit());
                fields.add("outcome=" + e.outcome());
                if (e.dryRun()) {
                    fields.add("dryRun=true");
                }
                fields.add("actions=[" + String.join("; ", e.actions()) + "]");
                fields.add("reason=" + e.reason());
            } else if (job instanceof GitJobEvent.JobDeleted e) {
                fields.add("by=" + e.deletedBy());
                fields.add("reason=" + e.reason());
            }
        }
        return time + "  " + event.type() + "  " + String.join(" ", fields);
    }

    ObjectNode json() {
        ObjectNode json = RecordJson.MAPPER.createObjectNode();
        json.put("time", time.toString());
        json.put("topic", topic);
        json.put("partition", partition);
        json.put("offset", offset);
        json.put("type", event == null ? "malformed" : event.type());
        if (malformed != null) {
            json.put("error", malformed);
        }
        json.set("value", value);
        return json;
    }
}
