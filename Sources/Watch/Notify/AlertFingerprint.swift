/// The fingerprint Alertmanager and Prometheus give a label set: FNV-1a (64 bit) over the label names in order, each
/// name and value followed by a 0xff byte, as 16 hex digits. Watch's webhook uses the same, so a receiver that
/// keeps both Alertmanager's and Watch's payloads sees one alert under one name.
public enum AlertFingerprint {
    /// The fingerprint of `labels`.
    public static func of(_ labels: [String: String]) -> String {
        var hash: UInt64 = 14_695_981_039_346_656_037
        func add(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= 1_099_511_628_211
            }
        }
        for name in labels.keys.sorted() {
            add(name.utf8)
            add([0xff])
            add(labels[name]!.utf8)
            add([0xff])
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
