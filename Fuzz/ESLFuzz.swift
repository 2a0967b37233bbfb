// libFuzzer entry point for the ESL decoder. Not part of the SwiftPM build: Fuzz/run.sh
// compiles this file together with Sources/ESL as one module, so `internal` API
// (Event.parsePlain, JSONEventParser, Frame.storage) is reachable. See RELIABILITY.md.

/// One fuzz input: the bytes a server might send on an Event Socket.
///
/// Oracles, besides "no crash, no sanitizer report, no hang":
/// - the frames and the outcome (clean end or which error) are the same however the
///   stream is split: whole, one byte at a time, in fixed chunks of 2…97 bytes
///   chosen by the input, and at split points from a PRNG seeded by the input;
/// - the decoder advances: no more frames than bytes, and it never hands out a frame
///   that is empty or whose bytes do not occur in the input;
/// - every frame's event, however it parses, answers consistently: the last of
///   `all(name)` is `event[name]`, `headers` and `headerNames` agree with `headerCount`;
/// - URL coding round-trips: decode(encode(x, keepEncoded: false)) == x.
///
/// The same checks run with the default maximum frame size and with a small one
/// (512 bytes), so the size limits are exercised by short inputs too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    for limit in [FrameDecoder.defaultMaximumFrameSize, 512] {
        let reference = FuzzDecode.run(input, limit: limit, splits: [])
        for frame in reference.frames { FuzzEvent.exercise(frame) }
        for splits in FuzzDecode.splittings(of: input) {
            let other = FuzzDecode.run(input, limit: limit, splits: splits)
            FuzzDecode.expectSame(reference, other, splits: splits, limit: limit)
        }
    }
    // The event parsers on their own, so the fuzzer need not build a frame first.
    FuzzEvent.exerciseParsers(input)
    FuzzEvent.checkURLCoding(input)
    return 0
}

enum FuzzDecode {
    struct Outcome {
        var frames: [Frame] = []
        /// nil: the stream ended cleanly (possibly with a partial frame buffered).
        var error: ESLError?
        var strayNoticeBody: [UInt8]?
        var buffered = 0
    }

    /// Decodes `input`, appending it in pieces that end at `splits` (ascending
    /// offsets), and draining the decoder after every append.
    static func run(_ input: [UInt8], limit: Int, splits: [Int]) -> Outcome {
        var decoder = FrameDecoder(maximumFrameSize: limit)
        var outcome = Outcome()
        var start = 0
        for end in splits + [input.count] where end >= start {
            decoder.append(input[start..<end])
            start = end
            do {
                while let frame = try decoder.next() {
                    outcome.frames.append(frame)
                    check(outcome.frames.count <= input.count, "more frames than input bytes")
                    check(!frame.rawBytes.isEmpty, "an empty frame")
                }
            } catch {
                outcome.error = error
                break
            }
        }
        outcome.strayNoticeBody = decoder.strayNoticeBody
        outcome.buffered = decoder.bufferedByteCount
        let framed = outcome.frames.reduce(0) { $0 + $1.rawBytes.count }
        check(framed <= input.count, "frames hold more bytes than the input")
        return outcome
    }

    /// The ways to split `input` besides whole: by one byte, by a chunk size taken
    /// from the first byte, and at pseudo-random points.
    static func splittings(of input: [UInt8]) -> [[Int]] {
        guard input.count > 1 else { return [] }
        var result: [[Int]] = []
        if input.count <= 4096 { result.append(Array(1..<input.count)) }
        let chunk = 2 + Int(input[0]) % 96
        result.append(Array(stride(from: chunk, to: input.count, by: chunk)))
        var state = UInt64(truncatingIfNeeded: input.count) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(input[input.count / 2])
        var points: [Int] = []
        var at = 0
        while true {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            at += 1 + Int((state >> 33) % 700)
            if at >= input.count { break }
            points.append(at)
        }
        result.append(points)
        return result
    }

    static func expectSame(_ a: Outcome, _ b: Outcome, splits: [Int], limit: Int) {
        let context = "limit \(limit), \(splits.count) splits"
        check(a.frames.count == b.frames.count, "frame count \(a.frames.count) vs \(b.frames.count) (\(context))")
        for (x, y) in zip(a.frames, b.frames) {
            check(x.rawBytes == y.rawBytes && x.bodyOffset == y.bodyOffset, "a frame differs (\(context))")
        }
        check(sameKind(a.error, b.error), "outcome \(String(describing: a.error)) vs \(String(describing: b.error)) (\(context))")
        if a.error == nil {
            check(a.strayNoticeBody == b.strayNoticeBody, "stray notice body differs (\(context))")
            check(a.buffered == b.buffered, "buffered bytes \(a.buffered) vs \(b.buffered) (\(context))")
        }
    }

    /// Same case of `ESLError` (the size in `frameTooLarge` may depend on the split).
    private static func sameKind(_ a: ESLError?, _ b: ESLError?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case (.frameTooLarge?, .frameTooLarge?): true
        case (.protocolViolation(let x)?, .protocolViolation(let y)?): x == y
        default: false
        }
    }
}

enum FuzzEvent {
    static func exercise(_ frame: Frame) {
        _ = frame.contentType.description
        _ = frame.contentType.isEvent
        _ = frame.replyText
        _ = frame.bodyText
        for (name, value) in frame.headers {
            check(frame[name] != nil, "frame header \(name) not found by name")
            _ = value
        }
        if let event = try? Event(frame: frame) { touch(event) }
        // Every frame body through both parsers, whatever its Content-Type says.
        if let event = try? Event.parsePlain(frame.storage, from: frame.headerEnd) { touch(event) }
        if let event = try? JSONEventParser.parse(frame.body) { touch(event) }
    }

    static func exerciseParsers(_ input: [UInt8]) {
        if let event = try? Event.parsePlain(input, from: 0) { touch(event) }
        if let event = try? JSONEventParser.parse(input[...]) { touch(event) }
    }

    static func touch(_ event: Event) {
        _ = event.name
        _ = event.uniqueID
        _ = event.jobUUID
        _ = event.byteCount
        _ = event.format
        if let bytes = event.bodyBytes { check(event.body != nil && bytes.count <= event.byteCount, "body") }
        let headers = event.headers
        let names = event.headerNames
        check(headers.count == event.headerCount && names.count == event.headerCount, "header count")
        for (index, name) in names.enumerated() {
            check(headers[index].name == name, "header name \(index)")
            // A name that is not valid UTF-8 comes back with U+FFFD and cannot be asked for.
            if name.unicodeScalars.contains("\u{FFFD}") { continue }
            let values = event.all(name)
            check(!values.isEmpty && event.contains(name), "header \(name) listed but not found")
            check(values.last == event[name], "all(\(name)).last != event[\(name)]")
        }
        _ = event.all("Hangup-Cause")
        _ = event["Content-Length"]
        _ = event.contains("")
    }

    static func checkURLCoding(_ input: [UInt8]) {
        let decoded = URLCoding.decode(input)
        check(decoded.count <= input.count, "URL decoding grew the bytes")
        let strict = URLCoding.encode(input, keepEncoded: false)
        check(URLCoding.decode(strict) == input, "decode(encode(x)) != x")
        check(!strict.contains { URLCoding.isUnsafe($0) && $0 != UInt8(ascii: "%") }, "encode left an unsafe byte")
        _ = URLCoding.encode(input)
    }
}

/// A failed oracle: print what and abort, so libFuzzer saves the input as a crash.
@inline(never)
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("ESLFuzz: \(message())") }
}
