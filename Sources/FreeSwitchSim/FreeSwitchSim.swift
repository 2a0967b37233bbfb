/// An embedded FreeSWITCH that speaks ESL like the real one (the simulator issue fills
/// this module).
public enum FreeSwitchSim {}
