/// One FreeSWITCH event (or a reply), with lazy access to its headers.
///
/// The event keeps the bytes it was decoded from and an index of where each header's
/// name and value lie; a value is URL-decoded (`%XX` only, never `+` → space) and
/// turned into a `String` only when asked for. Header names repeat in real events
/// (CHANNEL_HANGUP_COMPLETE carries `Hangup-Cause` twice), so this is a multimap:
/// the subscript gives the last value, ``all(_:)`` gives every one. Names compare
/// case-insensitively, as FreeSWITCH's own client does. Invalid UTF-8 is replaced,
/// never fatal.
///
/// Plain, JSON and reply frames all become the same `Event` interface; an XML event
/// is framed but not parsed (its text is the ``body``).
public struct Event: Sendable {
    /// How the event reached us.
    public enum Format: Sendable, Equatable {
        /// `text/event-plain`: values URL-encoded.
        case plain
        /// `text/event-json`: values decoded from JSON strings.
        case json
        /// `text/event-xml`: not parsed; the XML is the body.
        case xml
        /// A `command/reply`, `api/response` or other non-event frame: the outer
        /// headers, raw.
        case reply
    }

    /// Where one header's name and value lie in `storage`.
    struct Field: Sendable {
        var nameStart: Int32
        var nameEnd: Int32
        var valueStart: Int32
        var valueEnd: Int32
        /// The name's length and its first and last bytes in lower case, so a look-up
        /// skips almost every other header with one comparison (see ``tag(_:count:)``).
        var tag: UInt32
        /// 1 + the index of the previous field in the same slot of ``Event/slots``
        /// (0: none), so a look-up walks only the fields whose tags share its slot, last
        /// first.
        var previousInSlot: UInt16 = 0

        init(nameStart: Int32, nameEnd: Int32, valueStart: Int32, valueEnd: Int32, tag: UInt32) {
            self.nameStart = nameStart
            self.nameEnd = nameEnd
            self.valueStart = valueStart
            self.valueEnd = valueEnd
            self.tag = tag
        }

        /// A field whose name is already in `storage`.
        init(nameStart: Int32, nameEnd: Int32, valueStart: Int32, valueEnd: Int32, in storage: [UInt8]) {
            let tag = storage.withUnsafeBufferPointer { bytes in
                Field.tag(bytes.baseAddress! + Int(nameStart), count: Int(nameEnd - nameStart))
            }
            self.init(nameStart: nameStart, nameEnd: nameEnd, valueStart: valueStart, valueEnd: valueEnd, tag: tag)
        }

        /// `length (16 bits, saturated) | lower(first) << 8 | lower(last)`: equal names
        /// (ignoring ASCII case) have equal tags.
        @inline(__always)
        static func tag(_ name: UnsafePointer<UInt8>, count: Int) -> UInt32 {
            guard count > 0 else { return 0 }
            let length = UInt32(min(count, 0xFFFF))
            return length << 16 | UInt32(asciiLower(name[0])) << 8 | UInt32(asciiLower(name[count - 1]))
        }

        @inline(__always)
        static func tag(_ name: UnsafeBufferPointer<UInt8>) -> UInt32 {
            guard let base = name.baseAddress else { return 0 }
            return tag(base, count: name.count)
        }
    }

    /// The bytes the fields point into; offsets count from its `startIndex`. A decoded
    /// event shares its frame's slice of the read buffer (see ``Frame``).
    let storage: ArraySlice<UInt8>
    let fields: [Field]
    let bodyRange: Range<Int>?
    let percentEncoded: Bool
    /// How the event reached us.
    public let format: Format
    /// A small hash index over the fields: for each of 64 slots (chosen by a field's
    /// tag), 1 + the index of the last field in it, 0 for none; the fields chain back
    /// through ``Field/previousInSlot``. Nil when there are too many fields for
    /// 16-bit links (look-ups then scan every field).
    let slots: InlineArray<64, UInt16>?

    init(storage: [UInt8], fields: [Field], bodyRange: Range<Int>?, percentEncoded: Bool, format: Format) {
        var fields = fields
        let slots = Event.index(&fields)
        self.init(
            storage: storage[...], fields: fields, slots: slots, bodyRange: bodyRange, percentEncoded: percentEncoded,
            format: format)
    }

    /// An event whose fields are already linked into `slots` (see ``slots``).
    init(
        storage: ArraySlice<UInt8>, fields: [Field], slots: InlineArray<64, UInt16>?, bodyRange: Range<Int>?,
        percentEncoded: Bool, format: Format
    ) {
        self.storage = storage
        self.fields = fields
        self.slots = slots
        self.bodyRange = bodyRange
        self.percentEncoded = percentEncoded
        self.format = format
    }

    // MARK: Header access

    /// The last value of the header `name` (case-insensitive), decoded; nil if absent.
    public subscript(name: String) -> String? {
        guard let index = lastFieldIndex(named: name) else { return nil }
        return value(of: fields[index])
    }

    /// Every value of the header `name`, in wire order.
    public func all(_ name: String) -> [String] {
        var name = name
        return name.withUTF8 { key in
            let tag = Field.tag(key)
            return fields.compactMap { field in field.tag == tag && matches(field, key) ? value(of: field) : nil }
        }
    }

    /// True when the header is present at least once.
    public func contains(_ name: String) -> Bool { lastFieldIndex(named: name) != nil }

    /// Calls `body` with the bytes of the last value of `name` as they are stored (for a
    /// plain event still URL-encoded), without making a `String`; nil if absent.
    package func withRawValue<Result>(of name: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        guard let index = lastFieldIndex(named: name) else { return nil }
        let field = fields[index]
        return storage.withUnsafeBufferPointer { bytes in
            body(UnsafeBufferPointer(rebasing: bytes[Int(field.valueStart)..<Int(field.valueEnd)]))
        }
    }

    /// The bytes of the last value of `name` as they are stored (for a plain event still
    /// URL-encoded), sharing the event's storage; nil if absent. Not generic, unlike
    /// ``withRawValue(of:_:)``, so a caller in another module does not go through an
    /// unspecialised generic call and a closure context per look-up (the listener's hot
    /// path reads `Event-Name` and `Unique-ID` this way).
    package func rawValue(of name: String) -> ArraySlice<UInt8>? {
        guard let index = lastFieldIndex(named: name) else { return nil }
        let field = fields[index]
        return bytes(Int(field.valueStart)..<Int(field.valueEnd))
    }

    /// All headers in wire order, values decoded.
    public var headers: [(name: String, value: String)] {
        fields.map { (name: string(Int($0.nameStart)..<Int($0.nameEnd)), value: value(of: $0)) }
    }

    /// The header names in wire order (duplicates kept).
    public var headerNames: [String] { fields.map { string(Int($0.nameStart)..<Int($0.nameEnd)) } }

    /// Bytes the event is kept in (for a plain event, about its size on the wire).
    public var byteCount: Int { storage.count }

    /// The number of headers (duplicates counted).
    public var headerCount: Int { fields.count }

    // MARK: Body

    /// The body bytes: a BACKGROUND_JOB's result, an `api/response`'s output, … ;
    /// nil when the event has none.
    public var bodyBytes: ArraySlice<UInt8>? { bodyRange.map { bytes($0) } }

    /// The body as text (invalid UTF-8 replaced), or nil.
    public var body: String? { bodyBytes.map { String(decoding: $0, as: UTF8.self) } }

    // MARK: Common headers

    /// `Event-Name`, e.g. `CHANNEL_ANSWER`.
    public var name: String? { self["Event-Name"] }
    /// `Unique-ID`: the channel's uuid.
    public var uniqueID: String? { self["Unique-ID"] }
    /// `Job-UUID` of a BACKGROUND_JOB (or a bgapi reply).
    public var jobUUID: String? { self["Job-UUID"] }

    // MARK: Internals

    /// Links every field into its slot; nil when the links would not fit 16 bits.
    private static func index(_ fields: inout [Field]) -> InlineArray<64, UInt16>? {
        guard fields.count < Int(UInt16.max) else { return nil }
        var slots = InlineArray<64, UInt16>(repeating: 0)
        fields.withUnsafeMutableBufferPointer { fields in
            for index in fields.indices {
                let slot = slot(of: fields[index].tag)
                fields[index].previousInSlot = slots[slot]
                slots[slot] = UInt16(index + 1)
            }
        }
        return slots
    }

    /// The slot of ``slots`` a field with this tag is linked into.
    @inline(__always)
    static func slot(of tag: UInt32) -> Int {
        Int((tag &* 0x9E37_79B1) >> 26)
    }

    private func lastFieldIndex(named name: String) -> Int? {
        var name = name
        return name.withUTF8 { key in
            let tag = Field.tag(key)
            if let slots {
                return fields.withUnsafeBufferPointer { fields in
                    var link = slots[Event.slot(of: tag)]
                    while link != 0 {
                        let index = Int(link) - 1
                        if fields[index].tag == tag, matches(fields[index], key) { return index }
                        link = fields[index].previousInSlot
                    }
                    return nil
                }
            }
            return fields.withUnsafeBufferPointer { fields in
                var index = fields.count - 1
                while index >= 0 {
                    if fields[index].tag == tag, matches(fields[index], key) { return index }
                    index -= 1
                }
                return nil
            }
        }
    }

    @inline(__always)
    private func matches(_ field: Field, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(field.nameStart)
        guard Int(field.nameEnd) - start == key.count else { return false }
        return storage.withUnsafeBufferPointer { bytes in
            for offset in 0..<key.count where asciiLower(bytes[start + offset]) != asciiLower(key[offset]) {
                return false
            }
            return true
        }
    }

    /// The bytes at `range` (offsets from the start of ``storage``).
    private func bytes(_ range: Range<Int>) -> ArraySlice<UInt8> {
        storage[(storage.startIndex + range.lowerBound)..<(storage.startIndex + range.upperBound)]
    }

    private func string(_ range: Range<Int>) -> String {
        String(decoding: bytes(range), as: UTF8.self)
    }

    private func value(of field: Field) -> String {
        let range = Int(field.valueStart)..<Int(field.valueEnd)
        guard percentEncoded, bytes(range).contains(UInt8(ascii: "%")) else { return string(range) }
        return String(decoding: URLCoding.decode(bytes(range)), as: UTF8.self)
    }
}
