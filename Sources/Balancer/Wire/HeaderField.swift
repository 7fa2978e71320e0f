/// Where one header field lies in a message head's bytes, and which name it has. Offsets are from the start
/// of the head, so a field is copied out as one range without building strings.
struct HeaderField {
    /// The whole line, from the name's first byte to just past its CRLF.
    var line: Range<Int>
    var name: Range<Int>
    /// The value without surrounding spaces.
    var value: Range<Int>
    var kind: FieldName
    /// Whether the field is dropped when the head is forwarded (hop-by-hop, named in `Connection`, or replaced).
    var dropped: Bool
    /// Whether the name holds an underscore: such request fields are dropped unless `limits.underscores_in_headers`.
    var nameHasUnderscore = false
}
