using System;
using System.Collections.Generic;

namespace YieldLoop.Demos.Kitchen;

/// <summary>An order from a table: when it comes in and what is on it.</summary>
/// <param name="Number">The ticket number, from 1 in order of arrival.</param>
/// <param name="Arrival">When the waiter brings the ticket, from the kitchen's opening.</param>
/// <param name="Dishes">The dishes, a main first; they cook in parallel.</param>
internal sealed record Order(int Number, TimeSpan Arrival, IReadOnlyList<Dish> Dishes);
