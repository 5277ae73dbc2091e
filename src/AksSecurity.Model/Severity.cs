namespace AksSecurity;

/// <summary>How much a failed check matters. Ordered so that a threshold can be compared with &gt;=.</summary>
public enum Severity
{
    Informational = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}
