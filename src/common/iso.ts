/** Times go out as UTC ISO-8601 with `Z`. */
export const iso = (value: Date | null | undefined): string | null => (value ? value.toISOString() : null);
