/// A channel's running state (`Channel-State`), numbered as in `switch_types.h`.
enum ChannelState: Int {
    case new = 0, initial, routing, softExecute, execute, exchangeMedia, park, consumeMedia, hibernate, reset
    case hangup, reporting, destroy, none

    /// The wire name, e.g. `CS_EXECUTE`.
    var name: String {
        switch self {
        case .new: "CS_NEW"
        case .initial: "CS_INIT"
        case .routing: "CS_ROUTING"
        case .softExecute: "CS_SOFT_EXECUTE"
        case .execute: "CS_EXECUTE"
        case .exchangeMedia: "CS_EXCHANGE_MEDIA"
        case .park: "CS_PARK"
        case .consumeMedia: "CS_CONSUME_MEDIA"
        case .hibernate: "CS_HIBERNATE"
        case .reset: "CS_RESET"
        case .hangup: "CS_HANGUP"
        case .reporting: "CS_REPORTING"
        case .destroy: "CS_DESTROY"
        case .none: "CS_NONE"
        }
    }
}

/// A channel's call state (`Channel-Call-State`), numbered as in `switch_types.h`.
enum CallState: Int {
    case down = 0, dialing, ringing, early, active, held, ringWait, hangup, unheld

    var name: String {
        switch self {
        case .down: "DOWN"
        case .dialing: "DIALING"
        case .ringing: "RINGING"
        case .early: "EARLY"
        case .active: "ACTIVE"
        case .held: "HELD"
        case .ringWait: "RING_WAIT"
        case .hangup: "HANGUP"
        case .unheld: "UNHELD"
        }
    }
}
