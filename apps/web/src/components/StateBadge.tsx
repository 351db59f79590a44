import type { CSSProperties } from 'react';
import type { RunState, TaskState } from '@sluice/client';
import { runStateStyle, taskStateStyle } from '../states';
import type { StateStyle } from '../states';

type StateProps = { kind: 'task'; state: TaskState } | { kind: 'run'; state: RunState };

function styleOf(props: StateProps): StateStyle {
  return props.kind === 'task' ? taskStateStyle(props.state) : runStateStyle(props.state);
}

/** A pill with the state's label on its colour. */
export function StateBadge(props: StateProps & { testId?: string }) {
  const style = styleOf(props);
  const css: CSSProperties = { background: style.color, color: style.text };
  return (
    <span className="state-badge" style={css} data-testid={props.testId} data-state={props.state}>
      {style.label}
    </span>
  );
}

/** A small coloured dot, for places with room for colour only; the label is its tooltip. */
export function StateDot(props: StateProps & { title?: string }) {
  const style = styleOf(props);
  return (
    <span
      className={`state-dot${props.state === 'running' ? ' is-live' : ''}`}
      style={{ background: style.color }}
      title={props.title ?? style.label}
      role="img"
      aria-label={style.label}
      data-state={props.state}
    />
  );
}
