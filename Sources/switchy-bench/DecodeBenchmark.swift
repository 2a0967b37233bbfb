#if canImport(Glibc)
import Glibc
#endif
import ESL

/// `decode_events_per_s` and `scan_events_per_s`: the frame decoder and `Event` against
/// libc's vectorised search, over the same bytes in memory.
///
/// Both are timed in CPU time of the thread that runs them (`CLOCK_THREAD_CPUTIME_ID`),
/// not wall time: they are single-threaded and never wait, so on an idle machine the
/// two agree, while on a shared one wall time also counts the time other processes
/// held the core.
enum DecodeBenchmark {
    /// The headers every decoded event is asked for.
    static let lookups = ["Event-Name", "Unique-ID", "Job-UUID", "Hangup-Cause", "variable_switchy_run"]

    /// Bytes handed to the decoder at a time: what one socket read gives the reader.
    static let chunkSize = 256 * 1024

    /// Decodes every frame into an `Event` and looks up five headers in each, feeding
    /// the decoder in socket-sized chunks. Returns events/s.
    static func decode(_ stream: CaptureStream) throws -> Double {
        var decoder = FrameDecoder()
        var events = 0
        var found = 0
        let start = Clock.threadCPUNanoseconds()
        try stream.bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let end = min(raw.count, offset + chunkSize)
                decoder.append(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
                offset = end
                while let frame = try decoder.next() {
                    let event = try Event(frame: frame)
                    for name in lookups where event[name] != nil { found += 1 }
                    events += 1
                }
            }
        }
        let seconds = Double(Clock.threadCPUNanoseconds() - start) / 1e9
        guard events == stream.eventCount, found > 0 else {
            throw BenchError("decode: \(events) events of \(stream.eventCount), \(found) headers found")
        }
        return Double(events) / seconds
    }

    /// The "just move bytes" baseline: finds each frame's end of headers (the first
    /// `\n\n`) with `memchr`, reads its `Content-Length`, and finds the event's own end
    /// of headers inside the body the same way, so every byte is looked at once by
    /// libc's vectorised `memchr` and nothing is copied or indexed. Returns events/s.
    static func scan(_ stream: CaptureStream) throws -> Double {
        let start = Clock.threadCPUNanoseconds()
        let frames = stream.bytes.withUnsafeBytes { raw -> Int in
            scanFrames(raw)
        }
        let seconds = Double(Clock.threadCPUNanoseconds() - start) / 1e9
        guard frames == stream.eventCount else {
            throw BenchError("scan: \(frames) frames of \(stream.eventCount)")
        }
        return Double(frames) / seconds
    }

    private static let contentLength: [UInt8] = Array("Content-Length: ".utf8)

    static func scanFrames(_ raw: UnsafeRawBufferPointer) -> Int {
        guard let base = raw.baseAddress else { return 0 }
        let count = raw.count
        var position = 0
        var frames = 0
        while position < count {
            guard let headerEnd = blankLine(base, from: position, to: count) else { break }
            let length = contentLengthValue(raw, from: position, to: headerEnd)
            let bodyStart = headerEnd + 2
            if length > 0 {
                // The event's own header block ends at a blank line inside the body.
                _ = blankLine(base, from: bodyStart, to: min(count, bodyStart + length))
            }
            position = bodyStart + length
            frames += 1
        }
        return frames
    }

    /// Like ``scanFrames(_:)`` over bytes that may end inside a frame: returns the
    /// complete frames and the bytes they take up.
    static func scanCompleteFrames(_ raw: UnsafeRawBufferPointer) -> (frames: Int, bytes: Int) {
        guard let base = raw.baseAddress else { return (0, 0) }
        let count = raw.count
        var position = 0
        var frames = 0
        while position < count {
            guard let headerEnd = blankLine(base, from: position, to: count) else { break }
            let length = contentLengthValue(raw, from: position, to: headerEnd)
            let bodyStart = headerEnd + 2
            guard bodyStart + length <= count else { break }
            if length > 0 {
                _ = blankLine(base, from: bodyStart, to: bodyStart + length)
            }
            position = bodyStart + length
            frames += 1
        }
        return (frames, position)
    }

    /// Index of the first `\n` of the first `\n\n` in `from..<to`.
    @inline(__always)
    static func blankLine(_ base: UnsafeRawPointer, from: Int, to end: Int) -> Int? {
        var index = from
        while index < end - 1 {
            guard let hit = memchr(base + index, 0x0A, end - index - 1) else { return nil }
            let at = base.distance(to: UnsafeRawPointer(hit))
            if base.load(fromByteOffset: at + 1, as: UInt8.self) == 0x0A { return at }
            index = at + 1
        }
        return nil
    }

    /// The value of the `Content-Length: ` line that starts a line in `from..<to`, or 0.
    @inline(__always)
    static func contentLengthValue(_ raw: UnsafeRawBufferPointer, from: Int, to end: Int) -> Int {
        var line = from
        while line < end {
            if end - line > contentLength.count, raw[line] == UInt8(ascii: "C"), raw[line + 8] == UInt8(ascii: "L"),
                raw[line + 14] == UInt8(ascii: ":")
            {
                var length = 0
                var digit = line + contentLength.count
                while digit < end, case let byte = raw[digit], byte >= 0x30, byte <= 0x39 {
                    length = length * 10 + Int(byte - 0x30)
                    digit += 1
                }
                return length
            }
            guard let hit = memchr(raw.baseAddress! + line, 0x0A, end - line) else { return 0 }
            line = raw.baseAddress!.distance(to: UnsafeRawPointer(hit)) + 1
        }
        return 0
    }
}

/// A benchmark that could not produce its figure.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Clocks, in ns.
enum Clock {
    /// The monotonic clock.
    static func nanoseconds() -> Int64 { read(CLOCK_MONOTONIC) }

    /// CPU time of the calling thread.
    static func threadCPUNanoseconds() -> Int64 { read(CLOCK_THREAD_CPUTIME_ID) }

    private static func read(_ clock: clockid_t) -> Int64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
