package org.chestlens.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.time.ZoneId;
import java.util.List;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class AuditTrailTest extends KaribuTest {

    @Autowired
    AuditTrail audit;

    @Test
    void exportsTheSelectedEventsAsCsvNewestFirst() {
        String email = TestAccounts.uniqueEmail("csv");
        audit.record(7L, email, "PATIENT_VIEWED", "patient 7");
        audit.record(7L, email, "FEEDBACK_SAVED", "note: \"clear\", no change");
        audit.record(7L, email, "SOMETHING_NEW", "=HYPERLINK(\"http://evil\")");

        StringWriter out = new StringWriter();
        audit.writeCsv(new AuditQuery(email, null, null, null, null, ZoneId.systemDefault()), out);
        List<String> lines = out.toString().lines().toList();

        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("occurred_at,user,action,action_code,detail");
        assertThat(lines.get(1)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z,.*")
                .endsWith("," + email + ",Something new,SOMETHING_NEW,\"'=HYPERLINK(\"\"http://evil\"\")\"");
        assertThat(lines.get(2)).endsWith(",Feedback saved,FEEDBACK_SAVED,\"note: \"\"clear\"\", no change\"");
        assertThat(lines.get(3)).endsWith(",Patient viewed,PATIENT_VIEWED,patient 7");
        assertThat(out.toString()).contains("\r\n");
    }

    @Test
    void everyActionHasAReadableName() {
        assertThat(AuditActions.label("LOGIN")).isEqualTo("Signed in");
        assertThat(AuditActions.label("REFERENCES_IMPORT_FAILED")).isEqualTo("References import failed");
    }
}
