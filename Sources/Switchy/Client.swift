public enum SwitchyPlaceholder {}
