import Foundation

/// The admin API's version and its JSON conventions, one for every document the balancer serves and every reader.
///
/// Version 2 (this one): snake_case keys, latency in milliseconds, times as RFC 3339 text with fractional seconds.
/// Version 1 was camelCase with latency in seconds and times as seconds since 1970.
public enum BalancerAPIVersion {
    /// The version this build serves and reads.
    public static let current = 2

    /// The encoder for admin documents: sorted keys, pretty-printed, RFC 3339 times.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(rfc3339))
        }
        return encoder
    }

    /// The decoder for admin documents.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? rfc3339.parse(text) { return date }
            if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text)")
        }
        return decoder
    }

    /// `value` as the admin API writes it, ending in a newline.
    public static func json(_ value: some Encodable) -> String {
        ((try? encoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null") + "\n"
    }

    private static let rfc3339 = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
