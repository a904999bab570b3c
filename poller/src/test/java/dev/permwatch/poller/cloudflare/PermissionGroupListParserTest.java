package dev.permwatch.poller.cloudflare;

import dev.permwatch.avro.PermissionGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PermissionGroupListParserTest {

    private static final String ID_A = "c8fed203ed3043cba015a93ad1616f1f";
    private static final String ID_B = "82e64a83756745bbbb1c9c2701bf816b";

    private final PermissionGroupListParser parser = new PermissionGroupListParser();

    private static byte[] envelope(final String result) {
        return ("{\"success\":true,\"errors\":[],\"messages\":[],\"result\":" + result + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String item(final String id, final String name) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\"}";
    }

    private InvalidResponseException rejected(final byte[] body) {
        final InvalidResponseException error = catchThrowableOfType(InvalidResponseException.class, () -> parser.parse(body));
        assertThat(error).as("parse must reject the body").isNotNull();
        return error;
    }

    private InvalidResponseException rejected(final String body) {
        return rejected(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void fullItemMapsToRecordFields() throws InvalidResponseException {
        final List<PermissionGroup> groups = parser.parse(envelope("[{\"id\":\"" + ID_A + "\",\"name\":\"Zone Read\","
                + "\"description\":\"Grants read access to zones\\n\",\"scopes\":[\"com.cloudflare.api.account.zone\","
                + "\"com.cloudflare.edge.r2.bucket\"]}]"));

        assertThat(groups).hasSize(1);
        final PermissionGroup group = groups.get(0);
        assertThat(group.getId()).isEqualTo(ID_A);
        assertThat(group.getName()).isEqualTo("Zone Read");
        assertThat(group.getDescription()).isEqualTo("Grants read access to zones\n");
        assertThat(group.getScopes()).containsExactly("com.cloudflare.api.account.zone", "com.cloudflare.edge.r2.bucket");
        assertThat(group.getExtraFields()).isEmpty();
    }

    @Test
    void absentFieldsStayNull() throws InvalidResponseException {
        final PermissionGroup group = parser.parse(envelope("[" + item(ID_A, "Zone Read") + "]")).get(0);

        assertThat(group.getDescription()).isNull();
        assertThat(group.getScopes()).isNull();
        assertThat(group.getExtraFields()).isEmpty();
    }

    @Test
    void jsonNullFieldsStayNull() throws InvalidResponseException {
        final PermissionGroup group = parser.parse(envelope("[{\"id\":\"" + ID_A
                + "\",\"name\":\"Zone Read\",\"description\":null,\"scopes\":null}]")).get(0);

        assertThat(group.getDescription()).isNull();
        assertThat(group.getScopes()).isNull();
    }

    @Test
    void nullExtraFieldIsAbsent() throws InvalidResponseException {
        final PermissionGroup group = parser.parse(envelope("[{\"id\":\"" + ID_A
                + "\",\"name\":\"Zone Read\",\"foo\":null,\"bar\":{\"nested\":null}}]")).get(0);

        assertThat(group.getExtraFields()).doesNotContainKey("foo");
        assertThat(group.getExtraFields()).containsEntry("bar", "{\"nested\":null}");
    }

    /** Decimal numbers lose trailing zeros, so 1.0 and 1.00 give the same text. */
    @Test
    void extraFieldsAreCanonicalJson() throws InvalidResponseException {
        final PermissionGroup group = parser.parse(envelope("[{\"is_selectable\": true, \"id\":\"" + ID_A
                + "\",\"name\":\"Zone Read\",\"category\": {\"z\": [ {\"b\":1, \"a\":2.50} ], \"a\": \"x\"},"
                + " \"weight\": 1.0}]")).get(0);

        assertThat(group.getExtraFields()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "is_selectable", "true",
                "category", "{\"a\":\"x\",\"z\":[{\"a\":2.5,\"b\":1}]}",
                "weight", "1"));
    }

    @Test
    void equalNumbersGiveEqualText() throws InvalidResponseException {
        final String[][] equalPairs = {
                {"0.10", "0.1"}, {"1.0", "1"}, {"1e2", "100"}, {"1.50E+1", "15"}, {"-0.0", "0"}, {"2.500e-1", "0.25"},
                {"[0.10, {\"x\": 3.00}]", "[0.1, {\"x\": 3}]"}};
        for (final String[] pair : equalPairs) {
            final String first = extraField(pair[0]);
            final String second = extraField(pair[1]);

            assertThat(first).as("canonical text of %s and %s", pair[0], pair[1]).isEqualTo(second);
        }
    }

    @Test
    void canonicalNumbersArePlain() throws InvalidResponseException {
        assertThat(extraField("0.10")).isEqualTo("0.1");
        assertThat(extraField("1e2")).isEqualTo("100");
        assertThat(extraField("12345678901234567890")).isEqualTo("12345678901234567890");
        assertThat(extraField("0.000001")).isEqualTo("0.000001");
    }

    @Test
    void hugeExponentIsRejected() {
        final InvalidResponseException error = rejected(envelope("[{\"id\":\"" + ID_A
                + "\",\"name\":\"Zone Read\",\"weight\": 1e999999999}]"));

        assertThat(error.getMessage()).contains("weight");
    }

    @Test
    void itemOrderIsKept() throws InvalidResponseException {
        final List<PermissionGroup> groups = parser.parse(envelope("[" + item(ID_B, "B") + "," + item(ID_A, "A") + "]"));

        assertThat(groups).extracting(PermissionGroup::getId).containsExactly(ID_B, ID_A);
    }

    @Test
    void emptyBodyIsRejected() {
        assertThat(rejected(new byte[0]).getMessage()).contains("empty");
    }

    @Test
    void whitespaceBodyIsRejected() {
        assertThat(rejected("  \n").getMessage()).contains("only whitespace");
    }

    @Test
    void htmlBodyIsRejected() {
        assertThat(rejected("<html><body>Bad gateway</body></html>").getMessage()).contains("not valid JSON");
    }

    @Test
    void truncatedJsonIsRejected() {
        final byte[] whole = envelope("[" + item(ID_A, "A") + "," + item(ID_B, "B") + "]");
        final byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 30);

        final InvalidResponseException error = rejected(truncated);

        assertThat(error.getMessage()).contains("truncated").contains("of " + truncated.length);
        assertThat(error.isApiError()).isFalse();
    }

    @Test
    void trailingContentIsRejected() {
        assertThat(rejected(new String(envelope("[" + item(ID_A, "A") + "]"), StandardCharsets.UTF_8) + " {}")
                .getMessage()).contains("not valid JSON");
    }

    @Test
    void duplicateJsonKeyIsRejected() {
        assertThat(rejected(envelope("[{\"id\":\"" + ID_A + "\",\"name\":\"A\",\"name\":\"B\"}]")).getMessage())
                .contains("Duplicate").contains("name");
    }

    @Test
    void topLevelListIsRejected() {
        assertThat(rejected("[" + item(ID_A, "A") + "]").getMessage()).contains("is a JSON list, expected an object");
    }

    @Test
    void missingSuccessIsRejected() {
        assertThat(rejected("{\"result\":[" + item(ID_A, "A") + "]}").getMessage()).contains("no 'success' field");
    }

    @Test
    void nonBooleanSuccessIsRejected() {
        assertThat(rejected("{\"success\":\"true\",\"result\":[" + item(ID_A, "A") + "]}").getMessage())
                .contains("'success' is a string");
    }

    @Test
    void unauthorizedEnvelopeIsApiError() {
        final InvalidResponseException error = rejected("{\"success\":false,\"errors\":[{\"code\":9109,"
                + "\"message\":\"Unauthorized to access requested resource\"}],\"messages\":[],\"result\":null}");

        assertThat(error.isApiError()).isTrue();
        assertThat(error.cloudflareErrors()).containsExactly(
                new CloudflareError(9109, "Unauthorized to access requested resource"));
        assertThat(error.getMessage()).contains("9109").contains("Unauthorized");
    }

    @Test
    void missingResultIsRejected() {
        assertThat(rejected("{\"success\":true,\"errors\":[]}").getMessage()).contains("no 'result' field");
    }

    @Test
    void nullResultIsRejected() {
        assertThat(rejected(envelope("null")).getMessage()).contains("'result' is null");
    }

    @Test
    void objectResultIsRejected() {
        assertThat(rejected(envelope(item(ID_A, "A"))).getMessage()).contains("'result' is a object");
    }

    @Test
    void emptyResultIsRejected() {
        assertThat(rejected(envelope("[]")).getMessage()).contains("empty list");
    }

    @Test
    void paginatedResponseIsRejected() {
        final String body = "{\"success\":true,\"errors\":[],\"result\":[" + item(ID_A, "A") + "],"
                + "\"result_info\":{\"page\":1,\"per_page\":1,\"total_pages\":2,\"total_count\":2}}";

        assertThat(rejected(body).getMessage()).contains("page 1 of 2");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"2\"      | total_pages is a string",
            "1.5          | total_pages is a number",
            "true         | total_pages is a boolean"})
    void oddTotalPagesIsRejected(final String totalPages, final String expected) {
        final String body = "{\"success\":true,\"errors\":[],\"result\":[" + item(ID_A, "A") + "],"
                + "\"result_info\":{\"page\":1,\"total_pages\":" + totalPages + "}}";

        final InvalidResponseException error = rejected(body);

        assertThat(error.getMessage()).contains("result_info." + expected);
        assertThat(error.getMessage()).contains("expected an integer");
    }

    @Test
    void totalCountAboveItemCountIsRejected() {
        final String body = "{\"success\":true,\"errors\":[],\"result\":[" + item(ID_A, "A") + "],"
                + "\"result_info\":{\"page\":1,\"per_page\":1000,\"count\":1,\"total_count\":2}}";

        final InvalidResponseException error = rejected(body);

        assertThat(error.getMessage()).contains("total_count is 2");
        assertThat(error.getMessage()).contains("item count of 'result' is 1");
    }

    @Test
    void nonIntegerTotalCountIsRejected() {
        final String body = "{\"success\":true,\"errors\":[],\"result\":[" + item(ID_A, "A") + "],"
                + "\"result_info\":{\"total_count\":\"1\"}}";

        assertThat(rejected(body).getMessage()).contains("result_info.total_count is a string");
    }

    @Test
    void resultInfoThatIsNotAnObjectIsRejected() {
        final String body = "{\"success\":true,\"errors\":[],\"result\":[" + item(ID_A, "A") + "],"
                + "\"result_info\":[1]}";

        assertThat(rejected(body).getMessage()).contains("'result_info' is a list");
    }

    @Test
    void consistentResultInfoIsAccepted() throws InvalidResponseException {
        final String[] resultInfos = {
                "{\"page\":1,\"per_page\":1000,\"count\":2,\"total_count\":2,\"total_pages\":1}",
                "{\"page\":1,\"per_page\":1000,\"count\":2,\"total_count\":2}",
                "{\"page\":1,\"total_pages\":null,\"total_count\":null}",
                "null"};
        for (final String resultInfo : resultInfos) {
            final String body = "{\"success\":true,\"errors\":[],\"result\":[" + item(ID_A, "A") + ","
                    + item(ID_B, "B") + "],\"result_info\":" + resultInfo + "}";

            final List<PermissionGroup> groups = parser.parse(body.getBytes(StandardCharsets.UTF_8));

            assertThat(groups).as("groups with result_info %s", resultInfo).hasSize(2);
        }
    }

    @Test
    void itemThatIsNotAnObjectIsRejected() {
        assertThat(rejected(envelope("[" + item(ID_A, "A") + ", \"" + ID_B + "\"]")).getMessage())
                .contains("result[1] is a string, expected an object");
    }

    @Test
    void memberRoleItemIsRejected() {
        final InvalidResponseException error = rejected(envelope("[{\"id\":\"" + ID_A
                + "\",\"name\":\"Administrator\",\"meta\":{\"label\":\"admin\"}}]"));

        assertThat(error.getMessage()).contains("result[0]").contains("'meta'").contains("member-role");
    }

    @ParameterizedTest
    @CsvSource({
            "C8FED203ED3043CBA015A93AD1616F1F, uppercase",
            "c8fed203ed3043cba015a93ad1616f1, one character short",
            "c8fed203-ed30-43cb-a015-a93ad1616f1f, uuid with dashes",
            "z8fed203ed3043cba015a93ad1616f1f, non-hex letter"})
    void malformedIdNamesIndexAndValue(final String id, final String caseName) {
        final InvalidResponseException error = rejected(envelope("[" + item(ID_A, "A") + "," + item(id, "B") + "]"));

        assertThat(error.getMessage()).as(caseName).contains("result[1].id").contains("'" + id + "'")
                .contains("32 lowercase hex");
    }

    @Test
    void numericIdIsRejected() {
        assertThat(rejected(envelope("[{\"id\":12345,\"name\":\"A\"}]")).getMessage())
                .contains("result[0].id is a number (12345)");
    }

    @Test
    void missingIdIsRejected() {
        assertThat(rejected(envelope("[{\"name\":\"A\"}]")).getMessage()).contains("result[0].id is missing");
    }

    @Test
    void missingNameIsRejected() {
        assertThat(rejected(envelope("[{\"id\":\"" + ID_A + "\"}]")).getMessage())
                .contains("result[0].name is missing").contains(ID_A);
    }

    @Test
    void blankNameIsRejected() {
        assertThat(rejected(envelope("[" + item(ID_A, " ") + "]")).getMessage()).contains("result[0].name is blank");
    }

    @Test
    void nonStringNameIsRejected() {
        assertThat(rejected(envelope("[{\"id\":\"" + ID_A + "\",\"name\":[\"A\"]}]")).getMessage())
                .contains("result[0].name is a list");
    }

    @Test
    void duplicateIdIsRejected() {
        final InvalidResponseException error = rejected(envelope("[" + item(ID_A, "A") + "," + item(ID_B, "B") + ","
                + item(ID_A, "A again") + "]"));

        assertThat(error.getMessage()).contains("result[2].id '" + ID_A + "' repeats the id of result[0]");
    }

    @Test
    void nonStringDescriptionIsRejected() {
        assertThat(rejected(envelope("[{\"id\":\"" + ID_A + "\",\"name\":\"A\",\"description\":5}]")).getMessage())
                .contains("result[0].description is a number");
    }

    @Test
    void scopesThatAreNotAListAreRejected() {
        assertThat(rejected(envelope("[{\"id\":\"" + ID_A + "\",\"name\":\"A\",\"scopes\":\"com.cloudflare.api.user\"}]"))
                .getMessage()).contains("result[0].scopes is a string");
    }

    @Test
    void nonStringScopeIsRejected() {
        assertThat(rejected(envelope("[{\"id\":\"" + ID_A + "\",\"name\":\"A\",\"scopes\":[\"com.cloudflare.api.user\",7]}]"))
                .getMessage()).contains("result[0].scopes[1] is a number");
    }

    @Test
    void longValueIsCutInMessage() {
        final String longId = "x".repeat(500);

        final String message = rejected(envelope("[" + item(longId, "A") + "]")).getMessage();

        assertThat(message).contains("(500 characters)").doesNotContain(longId);
    }

    @Test
    void errorsAreReadFromAnyEnvelope() {
        final byte[] body = "{\"success\":false,\"errors\":[{\"code\":971,\"message\":\"Please wait and consider throttling your request speed\"}]}"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(parser.cloudflareErrors(body)).containsExactly(
                new CloudflareError(971, "Please wait and consider throttling your request speed"));
        assertThat(parser.cloudflareErrors("not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(parser.cloudflareErrors(new byte[0])).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"001-2020-12-18.json,52", "002-2020-12-18.json,52", "003-2021-06-09.json,54",
            "004-2023-06-27.json,193", "005-2026-01-22.json,305"})
    void recordedListIsAccepted(final String file, final int expectedGroups) throws IOException, InvalidResponseException {
        final Path path = RecordedLists.directory().resolve(file);
        assumeTrue(Files.isRegularFile(path), "Recorded list " + path + " is absent; skipping");

        final List<PermissionGroup> groups = parser.parse(Files.readAllBytes(path));

        assertThat(groups).hasSize(expectedGroups);
        assertThat(groups).allSatisfy(group -> assertThat(group.getExtraFields()).isEmpty());
    }

    @Test
    void recordedDescriptionKeepsNewline() throws IOException, InvalidResponseException {
        final Path path = RecordedLists.directory().resolve("005-2026-01-22.json");
        assumeTrue(Files.isRegularFile(path), "Recorded list " + path + " is absent; skipping");

        final List<PermissionGroup> groups = parser.parse(Files.readAllBytes(path));

        assertThat(groups).anySatisfy(group -> assertThat(group.getDescription()).endsWith("\n"));
    }

    @Test
    void recordedIdNameListHasNullFields() throws IOException, InvalidResponseException {
        final Path path = RecordedLists.directory().resolve("004-2023-06-27.json");
        assumeTrue(Files.isRegularFile(path), "Recorded list " + path + " is absent; skipping");

        final List<PermissionGroup> groups = parser.parse(Files.readAllBytes(path));

        assertThat(groups).allSatisfy(group -> {
            assertThat(group.getDescription()).isNull();
            assertThat(group.getScopes()).isNull();
        });
    }

    private String extraField(final String json) throws InvalidResponseException {
        final PermissionGroup group = parser.parse(envelope("[{\"id\":\"" + ID_A
                + "\",\"name\":\"Zone Read\",\"weight\": " + json + "}]")).get(0);
        return group.getExtraFields().get("weight");
    }
}
