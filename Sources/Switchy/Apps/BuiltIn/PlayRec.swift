import Synchronization

/// Plays a file to one leg and records the other, as the original Switchy's `PlayRec`:
/// on answer, `uuid_record <other leg> start <dir>/<uuid>.wav` and
/// `uuid_broadcast <originating leg> playback::<file>`, replayed every `period`
/// seconds while the call is up. On a one-legged call (the far end is elsewhere) the
/// originating leg is recorded too.
public final class PlayRec: CallApp {
    public let file: String
    public let recordDirectory: String
    public let period: Duration
    private let state = Mutex(State())

    private struct State {
        var plays = 0
        var recordings: [String] = []
        var errors: [String] = []
        var up: Set<String> = []
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
        _ = state.withLock { $0.up.insert(player.uuid) }
        Task {
            do {
                try await recorded.record(path)
                state.withLock { $0.recordings.append(path) }
                while state.withLock({ $0.up.contains(player.uuid) }) {
                    try await player.playback(file)
                    state.withLock { $0.plays += 1 }
                    try await Task.sleep(for: period)
                }
            } catch {
                state.withLock { $0.errors.append("\(player.uuid): \(error)") }
            }
        }
    }

    public func channelHangup(_ event: AppEvent) {
        _ = state.withLock { $0.up.remove(event.session.uuid) }
    }
}
