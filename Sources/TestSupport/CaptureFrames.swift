public import ESL

/// Decoding helpers for tests that look inside the captures.
public enum CaptureFrames {
    /// Every frame of capture `name`, decoded whole.
    public static func frames(_ name: String) throws -> [Frame] {
        var decoder = FrameDecoder()
        decoder.append(try Fixtures.raw(name))
        var frames: [Frame] = []
        while let frame = try decoder.next() { frames.append(frame) }
        return frames
    }

    /// Every event of capture `name` (plain, JSON or XML), in wire order.
    public static func events(_ name: String) throws -> [Event] {
        try frames(name).filter(\.contentType.isEvent).map { try Event(frame: $0) }
    }
}
