import { useState } from 'react';

/** A text filter applied on Enter or when the field loses focus, not on every key. */
export function TextFilter({
  label,
  value,
  onCommit,
  testId,
}: {
  label: string;
  value: string;
  onCommit(value: string): void;
  testId: string;
}) {
  const [text, setText] = useState(value);
  const commit = () => {
    if (text.trim() !== value) onCommit(text.trim());
  };
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input
        className="text-input"
        data-testid={testId}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
    </label>
  );
}
