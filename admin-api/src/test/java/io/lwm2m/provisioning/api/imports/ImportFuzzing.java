package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.api.devices.DeviceFields;
import io.lwm2m.provisioning.bootstrap.devices.EndpointName;
import io.lwm2m.provisioning.bootstrap.devices.NewDevice;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import io.lwm2m.provisioning.errors.InputText;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * The invariants an upload keeps whatever its bytes, checked by the import fuzz tests: reading
 * never throws (a broken header is the one documented refusal, 400 before any job exists); every
 * record is either a device to register or a reported problem, never both, never neither; records
 * move strictly forward through lines and bytes, ending inside the upload; a job resumed at any
 * record boundary reads exactly the records after it; and a device that passes validation holds
 * only what the database and the API can carry.
 */
final class ImportFuzzing {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ImportFuzzing() {
    }

    static void check(byte[] upload, boolean csv) throws IOException {
        RecordReader reader = new RecordReader(new ByteArrayInputStream(upload), csv, 0, 1);
        List<String> header = null;
        if (csv) {
            RecordReader.Record first = reader.next();
            if (first == null || first.problem() != null) {
                return;
            }
            try {
                header = ImportRows.parseHeader(first.fields());
            } catch (IllegalArgumentException refused) {
                return;
            }
            reader.expecting(header.size(), ImportRows.multilineColumns(header));
        }
        ImportRows rows = new ImportRows(header, JSON);
        List<RecordReader.Record> records = new ArrayList<>();
        long line = reader.line() - 1;
        long offset = reader.offset();
        for (RecordReader.Record r = reader.next(); r != null; r = reader.next()) {
            // The last record may end without a line break: it leaves the line count where it is.
            require(r.line() > line && (r.nextLine() > r.line() || r.endOffset() == upload.length), "lines move forward", r);
            require(r.endOffset() > offset && r.endOffset() <= upload.length, "bytes move forward within the upload", r);
            require((r.problem() == null) == (csv ? r.fields() != null : r.text() != null), "a record has content or a problem", r);
            line = r.line();
            offset = r.endOffset();
            records.add(r);
            if (r.problem() == null) {
                ImportRows.Row row = rows.parse(r);
                require((row.device() == null) != (row.problem() == null), "a row is a device or a problem", r);
                if (row.device() != null) {
                    storable(row.device());
                }
            }
        }
        if (!records.isEmpty()) {
            resumesAt(upload, csv, header, records, records.get(records.size() / 2));
        }
    }

    private static void resumesAt(byte[] upload, boolean csv, List<String> header, List<RecordReader.Record> all,
            RecordReader.Record boundary) throws IOException {
        RecordReader resumed = new RecordReader(new ByteArrayInputStream(upload, (int) boundary.endOffset(),
                upload.length), csv, boundary.endOffset(), boundary.nextLine());
        if (header != null) {
            resumed.expecting(header.size(), ImportRows.multilineColumns(header));
        }
        List<RecordReader.Record> rest = new ArrayList<>();
        for (RecordReader.Record r = resumed.next(); r != null; r = resumed.next()) {
            rest.add(r);
        }
        require(rest.equals(all.subList(all.indexOf(boundary) + 1, all.size())), "a resumed job reads the same records", boundary);
    }

    /** What validation let through must fit the columns and keep the grammar. */
    private static void storable(NewDevice device) {
        require(EndpointName.isValid(device.endpoint()), "endpoint in the grammar", device.endpoint());
        require(ProfileService.isValidName(device.profile()), "profile name", device.profile());
        require(device.bootstrapMode() != null, "a mode", device);
        require(device.pskIdentity() == null || InputText.lineProblem(device.pskIdentity()) == null, "identity text", device);
        require(device.labels().size() <= DeviceFields.MAX_LABELS, "label count", device);
        device.labels().forEach(l -> require(InputText.lineProblem(l, DeviceFields.MAX_LABEL_LENGTH) == null, "label text", l));
    }

    private static void require(boolean holds, String invariant, Object subject) {
        if (!holds) {
            throw new IllegalStateException("invariant broken: " + invariant + " (" + subject + ")");
        }
    }
}
