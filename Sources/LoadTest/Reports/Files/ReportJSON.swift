import Foundation

/// The one JSON style of the report files (`summary.json`, the profile shown in
/// `report.html`): pretty-printed, keys sorted, `/` not escaped, times as ISO 8601.
enum ReportJSON {
    /// The options every report JSON is serialized with.
    static let writingOptions: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]

    /// An encoder in the report style (times as ISO 8601 in UTC, whole seconds).
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// A decoder for what ``encoder()`` wrote; times may also carry fractional seconds.
    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseDate(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "is not an ISO 8601 time: \(text)")
            }
            return date
        }
        return decoder
    }

    /// `object` (arrays, dictionaries, strings, numbers, booleans, `NSNull`) serialized
    /// in the report style.
    static func data(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: writingOptions)
    }

    /// ISO 8601 with or without fractional seconds.
    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
