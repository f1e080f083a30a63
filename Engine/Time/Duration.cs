using System;
using System.Globalization;
using YieldLoop.Internal;

namespace YieldLoop;

/// <summary>
/// A length of time given to the engine: a number of seconds (<see cref="double"/>) or a <see cref="TimeSpan"/>. Every
/// duration parameter of the public API takes one, so each accepts both forms: <c>Co.Sleep(0.5)</c>,
/// <c>Co.Sleep(1)</c> and <c>Co.Sleep(TimeSpan.FromMilliseconds(500))</c>.
/// </summary>
/// <remarks>
/// <para>You never need to name this type: a <see cref="double"/> (or an <see cref="int"/>, <see cref="long"/> or
/// <see cref="float"/>, which C# widens to <see cref="double"/>) converts to it as seconds, and a <see cref="TimeSpan"/>
/// converts to it as itself.</para>
/// <para>A duration keeps the value it was given, unconverted and unchecked: the conversion never throws. The method
/// that takes it checks and converts it, so a bad value (NaN, infinity, or a negative length where none is allowed)
/// is refused with an <see cref="ArgumentOutOfRangeException"/> that names that method's parameter and the value as
/// given. Seconds are rounded to the nearest 100 ns tick, the same way everywhere; a <see cref="TimeSpan"/> is exact.
/// Each method documents what it accepts: a delay of zero or less means "next tick" (R9), a period must be positive,
/// a clock moves by zero or more.</para>
/// </remarks>
public readonly struct Duration
{
    // The seconds' bits (a double) when _isSeconds, else TimeSpan ticks: a 16-byte value, never boxed or allocated.
    private readonly long _value;
    private readonly bool _isSeconds;

    private Duration(long value, bool isSeconds)
    {
        _value = value;
        _isSeconds = isSeconds;
    }

    /// <summary>Converts a number of seconds to a duration (checked by the method that takes it).</summary>
    /// <param name="seconds">The seconds.</param>
    public static implicit operator Duration(double seconds) => FromSeconds(seconds);

    /// <summary>Converts a <see cref="TimeSpan"/> to a duration.</summary>
    /// <param name="duration">The time span.</param>
    public static implicit operator Duration(TimeSpan duration) => FromTimeSpan(duration);

    /// <summary>Creates a duration of <paramref name="seconds"/> seconds (the named form of the conversion from
    /// <see cref="double"/>).</summary>
    /// <param name="seconds">The seconds; checked by the method that takes the duration.</param>
    /// <returns>The duration.</returns>
    public static Duration FromSeconds(double seconds) => new(BitConverter.DoubleToInt64Bits(seconds), isSeconds: true);

    /// <summary>Creates a duration from a <see cref="TimeSpan"/> (the named form of the conversion).</summary>
    /// <param name="duration">The time span.</param>
    /// <returns>The duration.</returns>
    public static Duration FromTimeSpan(TimeSpan duration) => new(duration.Ticks, isSeconds: false);

    /// <summary>Whether it was given in seconds (else as a <see cref="TimeSpan"/>).</summary>
    internal bool IsSeconds => _isSeconds;

    /// <summary>The seconds as given (only when <see cref="IsSeconds"/>).</summary>
    internal double Seconds => BitConverter.Int64BitsToDouble(_value);

    /// <summary>The time span as given (only when not <see cref="IsSeconds"/>).</summary>
    internal TimeSpan Span => new(_value);

    /// <summary>The value as given, for an exception's <see cref="ArgumentOutOfRangeException.ActualValue"/>.</summary>
    internal object Given => _isSeconds ? Seconds : Span;

    /// <summary>
    /// A delay in loop ticks (sleeps, <c>CallLater</c>, the timeouts of the waits): seconds must be finite and are
    /// rounded; any <see cref="TimeSpan"/> is taken; both saturate at ± the end of time (R10). Zero or less means
    /// "next tick" (R9).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Seconds that are NaN or infinite.</exception>
    internal long ToDelayTicks(string paramName) =>
        _isSeconds ? TimeMath.CheckedSeconds(Seconds, paramName) : TimeMath.Saturate(_value);

    /// <summary>Describes the duration as given: seconds as "0.5s", a time span in its own format.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => _isSeconds
        ? Seconds.ToString("R", CultureInfo.InvariantCulture) + "s"
        : Span.ToString();
}
