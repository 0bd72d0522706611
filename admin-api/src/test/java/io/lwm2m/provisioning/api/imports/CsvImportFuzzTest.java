package io.lwm2m.provisioning.api.imports;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * Fuzzes the CSV reader and row validation with libFuzzer (Jazzer): any bytes as an upload, the
 * invariants of {@link ImportFuzzing}. Seeds: {@code src/test/resources/.../CsvImportFuzzTestInputs}.
 */
class CsvImportFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void everyRecordIsImportedOrReported(byte[] upload) throws IOException {
        ImportFuzzing.check(upload, true);
    }
}
