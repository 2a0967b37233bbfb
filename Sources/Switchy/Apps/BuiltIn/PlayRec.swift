import Synchronization

/// Plays a file to one leg and records the other, as the original Switchy's `PlayRec`:
/// on answer, `uuid_record <other leg> start <dir>/<uuid>.wav` and
/// `uuid_broadcast <originating leg> playback::<file>`, replayed every `period`
/// seconds while the call is up. On a one-legged call (the far end is elsewhere) the
/// originating leg is recorded too. FreeSWITCH stops the recording at hangup.
///
/// Choose a `period` longer than the file: FreeSWITCH queues a broadcast that arrives
/// while the previous one still plays, so a shorter period piles plays up.
public final class PlayRec: CallApp {
    /// The file played (a path on the slave, or any `playback` argument).
    public let file: String
    /// Where recordings go, on the slave.
    public let recordDirectory: String
    /// How often the file is started again.
    public let period: Duration
    private let state = Mutex(State())

    private struct State {
        var plays = 0
        var recordings: [String] = []
        var errors: [String] = []
        /// The replay loop of each answered call, by originating uuid.
        var loops: [String: Task<Void, Never>] = [:]
    }

    public init(file: String, recordDirectory: String = "/tmp", period: Duration = .seconds(10)) {
        self.file = file
        self.recordDirectory = recordDirectory
        self.period = period
    }

    /// How many times the file was started.
    public var plays: Int { state.withLock { $0.plays } }
    /// The recordings started, as paths.
    public var recordings: [String] { state.withLock { $0.recordings } }
    /// Commands that failed, as text.
    public var errors: [String] { state.withLock { $0.errors } }

    public func channelAnswer(_ event: AppEvent) {
        // Wait for the originating leg; record the other leg when we hear it.
        guard event.session.uuid == event.call.uuid else { return }
        let player = event.session
        let recorded = event.call.sessions.first { $0.uuid != player.uuid } ?? player
        let path = "\(recordDirectory)/\(event.call.uuid).wav"
        let (file, period) = (self.file, self.period)
        state.withLock { state in
            state.loops[player.uuid] = Task { [self] in
                do {
                    try await recorded.record(path)
                    self.state.withLock { $0.recordings.append(path) }
                    while !Task.isCancelled {
                        try await player.playback(file)
                        self.state.withLock { $0.plays += 1 }
                        try await Task.sleep(for: period)
                    }
                } catch is CancellationError {
                    // The call hung up while the loop waited.
                } catch {
                    self.state.withLock { $0.errors.append("\(player.uuid): \(error)") }
                }
            }
        }
    }

    public func channelHangup(_ event: AppEvent) {
        state.withLock { $0.loops.removeValue(forKey: event.session.uuid) }?.cancel()
    }
}
