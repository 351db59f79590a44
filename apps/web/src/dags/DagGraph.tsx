import { useMemo } from 'react';
import { Graph, layout as runLayout } from '@dagrejs/dagre';
import type { EdgeLabel, GraphLabel, NodeLabel } from '@dagrejs/dagre';
import type { TaskNode, TaskState } from '@sluice/client';
import { taskStateStyle } from '../states';

const NODE_HEIGHT = 46;
const CHAR_WIDTH = 7.6;
/** Past this, a node's labels are cut with an ellipsis; the full name is in its tooltip. */
const MAX_NODE_WIDTH = 220;
const LABEL_PADDING = 36;
const MAX_LABEL_CHARS = Math.floor((MAX_NODE_WIDTH - LABEL_PADDING) / CHAR_WIDTH);

/** `text` cut to what fits a node, ending in an ellipsis when cut. */
export function fitLabel(text: string, maxChars: number = MAX_LABEL_CHARS): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}

interface PlacedNode {
  task: TaskNode;
  x: number;
  y: number;
  width: number;
}

interface PlacedEdge {
  key: string;
  points: Array<{ x: number; y: number }>;
}

interface Layout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

function nodeWidth(task: TaskNode): number {
  const longest = Math.max(task.taskId.length, task.operator.length);
  return Math.min(MAX_NODE_WIDTH, Math.max(120, Math.round(longest * CHAR_WIDTH) + LABEL_PADDING));
}

/** Left-to-right layout of the task graph by dagre; upstream on the left. */
function layoutTasks(tasks: TaskNode[]): Layout {
  const graph = new Graph<GraphLabel, NodeLabel, EdgeLabel>();
  graph.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 56, marginx: 12, marginy: 12 });
  graph.setDefaultEdgeLabel(() => ({}));
  const known = new Set(tasks.map((task) => task.taskId));
  for (const task of tasks) graph.setNode(task.taskId, { width: nodeWidth(task), height: NODE_HEIGHT });
  for (const task of tasks) {
    for (const upstream of task.upstream) if (known.has(upstream)) graph.setEdge(upstream, task.taskId);
  }
  runLayout(graph);

  const nodes: PlacedNode[] = tasks.map((task) => {
    const placed = graph.node(task.taskId);
    return { task, x: placed.x ?? 0, y: placed.y ?? 0, width: placed.width };
  });
  const edges: PlacedEdge[] = graph.edges().map((edge) => ({
    key: `${edge.v}->${edge.w}`,
    points: graph.edge(edge).points ?? [],
  }));
  const label = graph.graph();
  return { nodes, edges, width: label.width ?? 0, height: label.height ?? 0 };
}

function edgePath(points: Array<{ x: number; y: number }>): string {
  return points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x},${point.y}`).join(' ');
}

interface DagGraphProps {
  tasks: TaskNode[];
  /** States to colour the nodes with, usually those of the newest run. */
  states?: Record<string, TaskState>;
  onSelect?: (taskId: string) => void;
}

export function DagGraph({ tasks, states, onSelect }: DagGraphProps) {
  const layout = useMemo(() => layoutTasks(tasks), [tasks]);

  return (
    <div className="graph-wrap">
      {/* biome-ignore lint/a11y/useSemanticElements: an SVG cannot be a fieldset; a group (not an image) because its task nodes are buttons */}
      <svg
        className="dag-graph"
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        role="group"
        aria-label="Task graph"
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" fill="#9aa4b5" />
          </marker>
        </defs>
        {layout.edges.map((edge) => (
          <path key={edge.key} d={edgePath(edge.points)} className="graph-edge" markerEnd="url(#arrow)" />
        ))}
        {layout.nodes.map(({ task, x, y, width }) => {
          const state = states?.[task.taskId];
          const style = state ? taskStateStyle(state) : null;
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG node cannot be a <button>; it takes the role, focus and keys of one
            <g
              key={task.taskId}
              className={`graph-node${onSelect ? ' is-clickable' : ''}`}
              transform={`translate(${x - width / 2},${y - NODE_HEIGHT / 2})`}
              data-testid={`graph-node-${task.taskId}`}
              data-state={state}
              role="button"
              tabIndex={onSelect ? 0 : -1}
              aria-label={`task ${task.taskId}${state ? `, ${state}` : ''}`}
              onClick={() => onSelect?.(task.taskId)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' || event.key === ' ') onSelect?.(task.taskId);
              }}
            >
              <title>{`${task.taskId} (${task.operator})${style ? ` · ${style.label}` : ''}`}</title>
              <rect width={width} height={NODE_HEIGHT} rx={8} className="graph-node-box" />
              <rect width={6} height={NODE_HEIGHT} rx={3} fill={style?.color ?? '#dfe3ea'} />
              <text x={16} y={20} className="graph-node-title">
                {fitLabel(task.taskId)}
              </text>
              <text x={16} y={36} className="graph-node-subtitle">
                {fitLabel(`${task.operator}${style ? ` · ${style.label}` : ''}`)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
