package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.bootstrap.devices.BatchResult;
import io.lwm2m.provisioning.bootstrap.devices.PreparedBatch;
import java.util.List;
import java.util.Set;

/**
 * What an import's preparing thread hands to the thread that commits, in file order: batches, then
 * either the end of the upload or the failure that stopped reading it.
 */
sealed interface Preparation {

    /**
     * A batch read, parsed and prepared (credentials generated and sealed) ahead of its transaction.
     * {@code keys} are what its rows claim (endpoints, supplied PSK identities and public keys): a
     * batch that shares one with the batch before it waits for that batch's commit first.
     *
     * @param supplied the lines whose bootstrap key the upload supplied
     */
    record Batch(List<RecordReader.Record> records, List<BatchResult> invalid, PreparedBatch batch, Set<Long> supplied,
            Set<String> keys) implements Preparation {

        boolean sharesKeysWith(Batch other) {
            Set<String> small = keys.size() <= other.keys.size() ? keys : other.keys;
            Set<String> large = small == keys ? other.keys : keys;
            for (String key : small) {
                if (large.contains(key)) {
                    return true;
                }
            }
            return false;
        }

        RecordReader.Record last() {
            return records.get(records.size() - 1);
        }
    }

    /** The upload was read to its end. */
    record EndOfUpload() implements Preparation {
    }

    /** Reading or preparing failed; nothing follows. */
    record Failed(Throwable cause) implements Preparation {
    }
}
