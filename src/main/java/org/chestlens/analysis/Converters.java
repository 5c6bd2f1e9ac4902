package org.chestlens.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.chestlens.inference.Embeddings;

/** Column formats of the analysis tables (the finding-code sets also of the reference library's). */
public final class Converters {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Converters() {
    }

    /** name -> number maps as JSON objects (order kept). */
    @Converter
    static class NumberMap implements AttributeConverter<Map<String, Double>, String> {

        @Override
        public String convertToDatabaseColumn(Map<String, Double> map) {
            try {
                return JSON.writeValueAsString(map == null ? Map.of() : map);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Map<String, Double> convertToEntityAttribute(String json) {
            try {
                return json == null ? new LinkedHashMap<>() : JSON.readValue(json, new TypeReference<LinkedHashMap<String, Double>>() { });
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Sets of finding codes, space-separated; an empty set is stored as null. */
    @Converter
    public static class CodeSet implements AttributeConverter<Set<String>, String> {

        @Override
        public String convertToDatabaseColumn(Set<String> codes) {
            return codes == null || codes.isEmpty() ? null : String.join(" ", new TreeSet<>(codes));
        }

        @Override
        public Set<String> convertToEntityAttribute(String column) {
            return column == null || column.isBlank() ? new TreeSet<>()
                    : Arrays.stream(column.trim().split("\\s+")).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static byte[] floats(float[] values) {
        return Embeddings.toBytes(values);
    }

    static float[] floats(byte[] bytes) {
        return Embeddings.fromBytes(bytes);
    }
}
