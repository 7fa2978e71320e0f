/// Hand-made HTTP/2 frames (RFC 9113 §4.1), for tests that must send what no well-behaved client sends: floods.
enum HTTP2Frames {
    /// The client connection preface.
    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    static func frame(type: UInt8, flags: UInt8 = 0, stream: UInt32 = 0, payload: [UInt8] = []) -> [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), type, flags]
            + [UInt8(stream >> 24 & 0x7f), UInt8(stream >> 16 & 0xff), UInt8(stream >> 8 & 0xff), UInt8(stream & 0xff)] + payload
    }

    static func settings() -> [UInt8] { frame(type: 0x4) }
    static func settingsAck() -> [UInt8] { frame(type: 0x4, flags: 0x1) }
    static func ping(_ n: UInt8) -> [UInt8] { frame(type: 0x6, payload: [0, 0, 0, 0, 0, 0, 0, n]) }

    /// A GET for `/` as one HPACK block: static-table `:method GET`, `:scheme https`, `:path /`, and a literal
    /// `:authority`.
    static let getBlock: [UInt8] = [0x82, 0x87, 0x84, 0x01, 0x09] + Array("localhost".utf8)

    /// HEADERS for a GET on `stream`, ending the header block (and the stream, when `endStream`).
    static func get(stream: UInt32, endStream: Bool = true) -> [UInt8] {
        frame(type: 0x1, flags: 0x4 | (endStream ? 0x1 : 0), stream: stream, payload: getBlock)
    }

    /// HEADERS without END_HEADERS: the header block goes on in CONTINUATION frames.
    static func headersWithoutEnd(stream: UInt32) -> [UInt8] {
        frame(type: 0x1, flags: 0x1, stream: stream, payload: getBlock)
    }

    /// A CONTINUATION frame that does not end the header block, carrying a small literal header.
    static func continuation(stream: UInt32) -> [UInt8] {
        frame(type: 0x9, stream: stream, payload: [0x00, 0x01, UInt8(ascii: "x"), 0x01, UInt8(ascii: "y")])
    }

    /// RST_STREAM with CANCEL.
    static func reset(stream: UInt32) -> [UInt8] { frame(type: 0x3, stream: stream, payload: [0, 0, 0, 0x8]) }

    /// The frames in `bytes` a server sent: (type, flags, stream, payload), as far as complete.
    static func parse(_ bytes: [UInt8]) -> [(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8])] {
        var frames: [(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8])] = []
        var index = 0
        while index + 9 <= bytes.count {
            let length = Int(bytes[index]) << 16 | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2])
            guard index + 9 + length <= bytes.count else { break }
            let stream = UInt32(bytes[index + 5] & 0x7f) << 24 | UInt32(bytes[index + 6]) << 16 | UInt32(bytes[index + 7]) << 8 | UInt32(bytes[index + 8])
            frames.append((bytes[index + 3], bytes[index + 4], stream, Array(bytes[(index + 9)..<(index + 9 + length)])))
            index += 9 + length
        }
        return frames
    }

    /// The value the server's first SETTINGS frame gives `identifier`, if any.
    static func setting(_ identifier: UInt16, in bytes: [UInt8]) -> UInt32? {
        guard let settings = parse(bytes).first(where: { $0.type == 0x4 && $0.flags & 0x1 == 0 }) else { return nil }
        var index = 0
        while index + 6 <= settings.payload.count {
            let p = settings.payload
            if UInt16(p[index]) << 8 | UInt16(p[index + 1]) == identifier {
                return UInt32(p[index + 2]) << 24 | UInt32(p[index + 3]) << 16 | UInt32(p[index + 4]) << 8 | UInt32(p[index + 5])
            }
            index += 6
        }
        return nil
    }

    /// Whether the server sent GOAWAY.
    static func sawGoAway(_ bytes: [UInt8]) -> Bool { parse(bytes).contains { $0.type == 0x7 } }
}
