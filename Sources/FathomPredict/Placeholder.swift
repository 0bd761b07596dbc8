public enum _PPlaceholder {}
