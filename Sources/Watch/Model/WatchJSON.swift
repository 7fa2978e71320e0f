import BalancerAPI
import Foundation

/// The JSON conventions of Watch's API and store: those of every Evenkeel document (snake_case keys, RFC 3339
/// times with fractional seconds, milliseconds for latency).
public enum WatchJSON {
    /// The encoder, pretty-printed for people unless told otherwise.
    public static func encoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = BalancerAPIVersion.encoder()
        if !pretty { encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes] }
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// The decoder.
    public static func decoder() -> JSONDecoder {
        let decoder = BalancerAPIVersion.decoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}
