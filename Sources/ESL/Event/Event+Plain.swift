extension Event {
    /// Parses a plain event body (`Name: value⏎…⏎⏎[body]`) held in `storage[start...]`.
    ///
    /// The hot path of every listener. The body is read 64 bytes at a time: one
    /// ``SeparatorMask`` gives the LFs and colons of the block, and the lines are cut at
    /// its set bits (a line's first colon ends its name, the next LF ends it), so each
    /// byte is compared once and no loop stops at every line. The fields and their
    /// look-up index are written in the same pass, straight into the field array
    /// (sized from the body's length; a body of unusually short lines continues into a
    /// second one). Nothing else is allocated.
    static func parsePlain(_ storage: ArraySlice<UInt8>, from start: Int) throws(ESLError) -> Event {
        var slots = InlineArray<64, UInt16>(repeating: 0)
        var fields: [Field] = []
        var outcome = PlainScan.full(resumeAt: start)
        storage.withUnsafeBufferPointer { bytes in
            while case .full(let resume) = outcome {
                // Real events average about 40 bytes a line.
                let capacity = max(16, (bytes.count - resume) / 32)
                let more = [Field](unsafeUninitializedCapacity: capacity) { buffer, count in
                    outcome = scanPlain(bytes, from: resume, into: buffer, count: &count, slots: &slots, firstIndex: fields.count)
                }
                if fields.isEmpty { fields = more } else { fields.append(contentsOf: more) }
            }
        }
        let bodyRange: Range<Int>?
        switch outcome {
        case .done(let body): bodyRange = body
        case .malformed(let line):
            let first = storage.startIndex + line.lowerBound
            let text = String(decoding: storage[first..<first + min(line.count, 60)], as: UTF8.self)
            throw .protocolViolation("event header line without a colon: \"\(text)\"")
        case .full: bodyRange = nil  // not reached: the loop above ends only on the others
        }
        return Event(
            storage: storage, fields: fields, slots: fields.count < Int(UInt16.max) ? slots : nil,
            bodyRange: bodyRange, percentEncoded: true, format: .plain)
    }

    /// How one pass of ``scanPlain(_:from:into:count:slots:firstIndex:)`` ended.
    enum PlainScan {
        /// The blank line (or the end) was reached; the event's own body, if any.
        case done(body: Range<Int>?)
        /// The field buffer is full; the line starting at `resumeAt` is not read yet.
        case full(resumeAt: Int)
        /// This line has no colon.
        case malformed(line: Range<Int>)
    }

    /// Reads header lines from `start` (the start of a line) into `buffer`, linking
    /// each into `slots` as field number `firstIndex + count`.
    @inline(__always)
    private static func scanPlain(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, into buffer: UnsafeMutableBufferPointer<Field>,
        count: inout Int, slots: inout InlineArray<64, UInt16>, firstIndex: Int
    ) -> PlainScan {
        guard let base = bytes.baseAddress, let out = buffer.baseAddress else { return .done(body: nil) }
        let end = bytes.count
        let capacity = buffer.count
        var stored = 0
        defer { count = stored }
        var sawContentLength = false
        var lineStart = start
        var colon = -1

        @inline(__always)
        func store(lineEnd: Int) {
            var valueStart = colon + 1
            while valueStart < lineEnd, base[valueStart] == 0x20 || base[valueStart] == 0x09 { valueStart += 1 }
            let nameLength = colon - lineStart
            var field = Field(
                nameStart: Int32(truncatingIfNeeded: lineStart), nameEnd: Int32(truncatingIfNeeded: colon),
                valueStart: Int32(truncatingIfNeeded: valueStart), valueEnd: Int32(truncatingIfNeeded: lineEnd),
                tag: Field.tag(base + lineStart, count: nameLength))
            let slot = Event.slot(of: field.tag)
            field.previousInSlot = slots[slot]
            // Past 16-bit links the index is dropped (see `slots`); the links are then unused.
            slots[slot] = UInt16(truncatingIfNeeded: firstIndex + stored + 1)
            if nameLength == 14, isContentLength(base + lineStart) { sawContentLength = true }
            (out + stored).initialize(to: field)
            stored += 1
        }

        var block = start
        var padded: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        while block < end {
            var mask: UInt64
            if end - block >= SeparatorMask.blockSize {
                mask = SeparatorMask.of(UnsafeRawPointer(base + block))
            } else {
                // The last, partial block: a zero-padded copy (zeros are no separator).
                padded = (0, 0, 0, 0, 0, 0, 0, 0)
                mask = withUnsafeMutableBytes(of: &padded) { copy in
                    copy.baseAddress!.copyMemory(from: base + block, byteCount: end - block)
                    return SeparatorMask.of(UnsafeRawPointer(copy.baseAddress!))
                }
            }
            while mask != 0 {
                let at = block &+ mask.trailingZeroBitCount
                mask &= mask &- 1
                let isLF = base[at] == 0x0A
                if colon < 0 {
                    if !isLF {
                        colon = at
                    } else if at == lineStart {
                        // Blank line: end of the headers; a Content-Length means a body follows.
                        return .done(body: sawContentLength ? (at + 1)..<end : nil)
                    } else {
                        return .malformed(line: lineStart..<at)
                    }
                } else if isLF {
                    // A colon in the value is part of the value.
                    guard stored < capacity else { return .full(resumeAt: lineStart) }
                    store(lineEnd: at)
                    lineStart = at + 1
                    colon = -1
                }
            }
            block += SeparatorMask.blockSize
        }
        // The last line has no LF.
        guard lineStart < end else { return .done(body: nil) }
        guard colon >= 0 else { return .malformed(line: lineStart..<end) }
        guard stored < capacity else { return .full(resumeAt: lineStart) }
        store(lineEnd: end)
        return .done(body: nil)
    }

    @inline(__always)
    private static func isContentLength(_ name: UnsafePointer<UInt8>) -> Bool {
        let key: StaticString = "content-length"
        let text = key.utf8Start
        for offset in 0..<14 where asciiLower(name[offset]) != text[offset] { return false }
        return true
    }
}
