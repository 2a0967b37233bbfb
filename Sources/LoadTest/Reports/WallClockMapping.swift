/// Turns the run clock's monotonic ns into wall-clock time, from one reading of both
/// taken together at the start of the run.
public struct WallClockMapping: Sendable, Equatable {
    public var monotonicStart: Int64
    public var unixMicrosecondsStart: Int64

    public init(monotonicStart: Int64, unixMicrosecondsStart: Int64) {
        self.monotonicStart = monotonicStart
        self.unixMicrosecondsStart = unixMicrosecondsStart
    }

    /// The wall-clock time (unix µs) of a monotonic reading.
    public func unixMicroseconds(monotonic: Int64) -> Int64 {
        unixMicrosecondsStart + (monotonic - monotonicStart) / 1_000
    }
}
