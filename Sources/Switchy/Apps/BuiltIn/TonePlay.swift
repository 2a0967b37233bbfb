import Synchronization

/// Plays a tone stream in a loop on the originating leg once it is answered, as the
/// original Switchy's `TonePlay` (`uuid_broadcast <uuid> tone_stream://… aleg`).
///
/// The tone cannot be the originate's own app argument: FreeSWITCH ends `&app(args)` at
/// the first `)`, and a tone stream has parentheses. So calls park, and the tone is
/// broadcast on answer.
public final class TonePlay: CallApp {
    /// The stream played, e.g. `tone_stream://%(251,0,1004);loops=-1`.
    public let tone: String
    private let started = Mutex<Int>(0)
    private let failures = Mutex<[String]>([])

    public init(tone: String = "tone_stream://%(251,0,1004);loops=-1") {
        self.tone = tone
    }

    /// How many calls the tone was started on.
    public var tonesStarted: Int { started.withLock { $0 } }
    /// Commands that failed, as text.
    public var errors: [String] { failures.withLock { $0 } }

    public func channelAnswer(_ event: AppEvent) {
        guard event.session.uuid == event.call.uuid else { return }  // the originating leg only
        let session = event.session
        let tone = self.tone
        Task {
            do {
                try await session.broadcast(tone, leg: "aleg")
                started.withLock { $0 += 1 }
            } catch {
                failures.withLock { $0.append("\(session.uuid): \(error)") }
            }
        }
    }
}
