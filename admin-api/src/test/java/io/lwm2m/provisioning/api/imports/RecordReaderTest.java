package io.lwm2m.provisioning.api.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RFC 4180 records with resynchronisation after a broken one (decision 031), byte offsets and line numbers kept exact. */
class RecordReaderTest {

    private static final String HEADER = "endpoint,profile,mode,psk_identity,psk_key,public_key\n";

    @Test
    void aStrayQuoteInAnUnquotedFieldSpoilsOnlyItsOwnLine() throws IOException {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 1; i <= 1000; i++) {
            csv.append(i == 10 ? "sq-0009x\",p1,psk,,," : "sq-" + i + ",p1,psk,,,").append('\n');
        }
        List<RecordReader.Record> records = rows(csv.toString());
        assertThat(records).hasSize(1000);
        assertThat(records.stream().filter(r -> r.problem() != null).toList()).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(11);
            assertThat(r.problem()).contains("inside unquoted field 1");
        });
        assertThat(records.get(10).fields()).containsExactly("sq-11", "p1", "psk", "", "", "");
        assertThat(records.get(999).line()).isEqualTo(1001);
    }

    @Test
    void aStrayOpeningQuoteIsReadAgainFromItsSecondLine() throws IOException {
        String csv = HEADER + "a,p1,psk,,,\n\"b,p1,psk,,,\nc,p1,psk,,,\nd,p1,psk,,,\n";
        List<RecordReader.Record> records = rows(csv);
        assertThat(records).extracting(RecordReader.Record::line).containsExactly(2L, 3L, 4L, 5L);
        assertThat(records.get(1).problem()).contains("quoted field 1");
        assertThat(records.get(2).fields()).containsExactly("c", "p1", "psk", "", "", "");
        assertThat(records.get(3).fields()).containsExactly("d", "p1", "psk", "", "", "");
        assertThat(records.get(3).endOffset()).isEqualTo(csv.length());
        assertThat(records.get(3).nextLine()).isEqualTo(6);
    }

    @Test
    void aStrayQuoteBeforeAQuotedPemIsResynchronised() throws IOException {
        String pem = "\"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\"";
        String csv = HEADER + "a,p1,rpk,,,\"x\nb,p1,psk,,,\nc,p1,rpk,,," + pem + "\nd,p1,psk,,,\n";
        List<RecordReader.Record> records = rows(csv);
        assertThat(records).extracting(RecordReader.Record::line).containsExactly(2L, 3L, 4L, 7L);
        assertThat(records.get(0).problem()).isNotNull();
        assertThat(records.get(1).fields().get(0)).isEqualTo("b");
        assertThat(records.get(2).fields().get(5)).isEqualTo("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----");
        assertThat(records.get(3).fields().get(0)).isEqualTo("d");
    }

    @Test
    void aQuoteNeverClosedLosesOnlyItsFirstLine() throws IOException {
        String csv = HEADER + "a,p1,rpk,,,\"-----BEGIN\nb,p1,psk,,,\nc,p1,psk,,,";
        List<RecordReader.Record> records = rows(csv);
        assertThat(records).extracting(RecordReader.Record::line).containsExactly(2L, 3L, 4L);
        assertThat(records.get(0).problem()).contains("never closed");
        assertThat(records.get(2).fields().get(0)).isEqualTo("c");
    }

    @Test
    void quotedFieldsFollowRfc4180() throws IOException {
        String csv = HEADER + "\"a,1\",\"p\"\"1\",psk,,,\r\n\"\",p,psk,,,\"\"\r\nq,p,psk,,,\"x\"y\nlast,p,psk,,,";
        List<RecordReader.Record> records = rows(csv);
        assertThat(records.get(0).fields()).containsExactly("a,1", "p\"1", "psk", "", "", "");
        assertThat(records.get(1).fields()).containsExactly("", "p", "psk", "", "", "");
        assertThat(records.get(2).problem()).contains("after the closing quote");
        assertThat(records.get(3).fields()).containsExactly("last", "p", "psk", "", "", "");
    }

    @Test
    void aByteOrderMarkIsSkippedAndBlankLinesAreNoRecords() throws IOException {
        byte[] csv = ("\ufeff" + HEADER + "\n  \na,p1,psk,,,\n\n").getBytes(StandardCharsets.UTF_8);
        RecordReader reader = new RecordReader(new ByteArrayInputStream(csv), true, 0, 1);
        assertThat(reader.next().fields()).first().isEqualTo("endpoint");
        RecordReader.Record row = reader.next();
        assertThat(row.fields()).first().isEqualTo("a");
        assertThat(row.line()).isEqualTo(4);
        assertThat(reader.next()).isNull();
    }

    @Test
    void controlCharactersAreKeptForTheFieldRulesToRefuse() throws IOException {
        List<RecordReader.Record> records = rows(HEADER + "cf-a18\u0001,p1,psk,,,\n");
        assertThat(records.get(0).fields().get(0)).isEqualTo("cf-a18\u0001");
    }

    @Test
    void bytesThatAreNotUtf8SpoilOneRecord() throws IOException {
        byte[] head = (HEADER + "a").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ",p1,psk,,,\nb,p1,psk,,,\n".getBytes(StandardCharsets.UTF_8);
        byte[] csv = new byte[head.length + 1 + tail.length];
        System.arraycopy(head, 0, csv, 0, head.length);
        csv[head.length] = (byte) 0xc3;
        System.arraycopy(tail, 0, csv, head.length + 1, tail.length);
        RecordReader reader = new RecordReader(new ByteArrayInputStream(csv), true, 0, 1);
        reader.next();
        assertThat(reader.next().problem()).isEqualTo("not valid UTF-8");
        assertThat(reader.next().fields().get(0)).isEqualTo("b");
    }

    @Test
    void ndjsonRecordsAreLinesAndTheBomIsSkipped() throws IOException {
        byte[] ndjson = "\ufeff{\"endpoint\":\"a\"}\r\n\n{\"endpoint\":\"b\"\"}\n".getBytes(StandardCharsets.UTF_8);
        RecordReader reader = new RecordReader(new ByteArrayInputStream(ndjson), false, 0, 1);
        assertThat(reader.next().text()).isEqualTo("{\"endpoint\":\"a\"}");
        RecordReader.Record second = reader.next();
        assertThat(second.line()).isEqualTo(3);
        assertThat(second.text()).isEqualTo("{\"endpoint\":\"b\"\"}");
        assertThat(reader.next()).isNull();
    }

    @Test
    void aResumedReaderSeesTheSameRecordsFromAnyRecordBoundary() throws IOException {
        String csv = HEADER + "a,p1,psk,,,\n\"b,p1,psk,,,\nc,p1,psk,,,\nd\",p1,psk,,,\ne,p1,psk,,,\n";
        List<RecordReader.Record> all = rows(csv);
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        for (RecordReader.Record boundary : all) {
            RecordReader resumed = new RecordReader(new ByteArrayInputStream(bytes, (int) boundary.endOffset(),
                    bytes.length), true, boundary.endOffset(), boundary.nextLine()).expecting(6, Set.of(5));
            List<RecordReader.Record> rest = new ArrayList<>();
            for (RecordReader.Record r = resumed.next(); r != null; r = resumed.next()) {
                rest.add(r);
            }
            assertThat(rest).isEqualTo(all.subList(all.indexOf(boundary) + 1, all.size()));
        }
    }

    /** The records after the header, read as the import job reads them. */
    private static List<RecordReader.Record> rows(String csv) throws IOException {
        RecordReader reader = new RecordReader(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), true, 0, 1);
        List<String> header = reader.next().fields();
        reader.expecting(header.size(), ImportRows.multilineColumns(header));
        List<RecordReader.Record> records = new ArrayList<>();
        for (RecordReader.Record r = reader.next(); r != null; r = reader.next()) {
            records.add(r);
        }
        return records;
    }
}
