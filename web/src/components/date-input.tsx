import { useEffect, useState } from 'preact/hooks';
import { DATE_TEXT_FORMAT, formatDateText, parseDateText, type DateTextKind } from '../date-text';
import { useI18n } from '../i18n';

/**
 * A date, time or date-and-time typed as dd/mm/yyyy and hh:mm (24-hour) in either language, instead
 * of a native input that follows the browser's locale. `onChange` gets the kept value (YYYY-MM-DD,
 * HH:mm or YYYY-MM-DDTHH:mm, '' when emptied) only when the text is valid; until then the input is
 * invalid for the form, with a message that shows the expected form.
 */
export function DateInput(props: { id: string; kind: DateTextKind; value: string; onChange(value: string): void; required?: boolean; name?: string; describedBy?: string }) {
  const { t } = useI18n();
  const [text, setText] = useState(() => formatDateText(props.kind, props.value));
  const [invalid, setInvalid] = useState(false);
  // A value set from outside (a reset, an edited schedule) replaces what was typed.
  useEffect(() => {
    if (parseDateText(props.kind, text) !== props.value) (setText(formatDateText(props.kind, props.value)), setInvalid(false));
  }, [props.value]);
  const format = DATE_TEXT_FORMAT[props.kind];
  return (
    <input id={props.id} name={props.name} type="text" inputMode="numeric" autoComplete="off" required={props.required} value={text}
      placeholder={format} size={format.length + 2} aria-invalid={invalid} aria-describedby={props.describedBy} title={format}
      onInput={(e) => {
        const input = e.currentTarget;
        const value = parseDateText(props.kind, input.value);
        setText(input.value);
        setInvalid(value === null);
        input.setCustomValidity(value === null ? t('common.badDateText', { format }) : '');
        if (value !== null) props.onChange(value);
      }}
      onBlur={(e) => invalid && e.currentTarget.reportValidity()} />
  );
}
