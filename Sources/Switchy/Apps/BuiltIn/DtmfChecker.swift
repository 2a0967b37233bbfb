import Synchronization

/// Sends DTMF digits on the originating leg once answered and checks they arrive on the
/// other leg of the call (a loop-back call, or a far end this listener also hears).
///
/// `uuid_send_dtmf` sends the digits as RFC 2833 events; FreeSWITCH fires a DTMF event
/// (`DTMF-Digit`) on the receiving leg when an application there reads it, which
/// `park` and `echo` do. DTMF events carry no channel variables, so the app subscribes
/// to them by name (``CallApp/extraEvents``) and the listener matches them to the leg
/// by `Unique-ID`. A call that ends before every digit arrived fails.
public final class DtmfChecker: CallApp {
    /// The digits sent on each call.
    public let digits: String
    private let state = Mutex(State())

    /// The verdict for one call.
    public enum Verdict: Sendable, Equatable {
        /// Every digit arrived, in order.
        case passed
        /// The call ended first; `received` is what arrived.
        case failed(received: String)
    }

    private struct State {
        var received: [String: String] = [:]
        var verdicts: [String: Verdict] = [:]
        var errors: [String] = []
    }

    public init(digits: String = "1234") {
        self.digits = digits
    }

    public var extraEvents: [String] { ["DTMF"] }

    /// Verdicts by call uuid, for calls that have ended or passed.
    public var verdicts: [String: Verdict] { state.withLock { $0.verdicts } }
    /// Commands that failed, as text.
    public var errors: [String] { state.withLock { $0.errors } }

    public func channelAnswer(_ event: AppEvent) {
        guard event.session.uuid == event.call.uuid else { return }
        let session = event.session
        let digits = self.digits
        Task {
            do {
                try await session.sendDTMF(digits)
            } catch {
                state.withLock { $0.errors.append("\(session.uuid): \(error)") }
            }
        }
    }

    public func dtmf(_ event: AppEvent) {
        // The digits are sent on the originating leg; they arrive on the other one.
        guard event.session.uuid != event.call.uuid, let digit = event.event["DTMF-Digit"] else { return }
        let call = event.call.uuid
        let digits = self.digits
        state.withLock { state in
            guard state.verdicts[call] == nil else { return }
            let received = state.received[call, default: ""] + digit
            state.received[call] = received
            if received == digits { state.verdicts[call] = .passed }
        }
    }

    public func callEnded(_ call: Call, context: AppContext) {
        state.withLock { state in
            if state.verdicts[call.uuid] == nil {
                state.verdicts[call.uuid] = .failed(received: state.received[call.uuid] ?? "")
            }
            state.received[call.uuid] = nil
        }
    }
}
