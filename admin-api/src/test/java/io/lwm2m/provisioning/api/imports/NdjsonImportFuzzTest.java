package io.lwm2m.provisioning.api.imports;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/** As {@link CsvImportFuzzTest}, for NDJSON uploads. */
class NdjsonImportFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void everyRecordIsImportedOrReported(byte[] upload) throws IOException {
        ImportFuzzing.check(upload, false);
    }
}
