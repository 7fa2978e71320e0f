/// Where one header field lies in a message head's bytes, and which name it has. Offsets are from the start
/// of the head, so a field is copied out as one range without building strings.
package struct HeaderField {
    /// The whole line, from the name's first byte to just past its CRLF.
    package var line: Range<Int>
    package var name: Range<Int>
    /// The value without surrounding spaces.
    package var value: Range<Int>
    package var kind: FieldName
    /// Whether the field is dropped when the head is forwarded (hop-by-hop, named in `Connection`, or replaced).
    package var dropped: Bool
    /// Whether the name holds an underscore: such request fields are dropped unless `limits.underscores_in_headers`.
    package var nameHasUnderscore = false
}
