import { useMemo, useState } from 'react';
import { Graph, layout as runLayout } from '@dagrejs/dagre';
import type { EdgeLabel, GraphLabel, NodeLabel } from '@dagrejs/dagre';
import type { TaskGroup, TaskNode, TaskState } from '@sluice/client';
import { taskStateStyle } from '../states';
import { type GraphItem, visibleGraph } from './task-groups';

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
  item: GraphItem;
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

/** The two lines a node shows: a task's id and operator, a group's id and size. */
function nodeLines(item: GraphItem): [string, string] {
  return item.kind === 'task'
    ? [item.task.taskId, item.task.operator]
    : [`▸ ${item.group.groupId}`, `group · ${item.taskCount} task${item.taskCount === 1 ? '' : 's'}`];
}

function nodeWidth(item: GraphItem): number {
  const longest = Math.max(...nodeLines(item).map((line) => line.length));
  return Math.min(MAX_NODE_WIDTH, Math.max(120, Math.round(longest * CHAR_WIDTH) + LABEL_PADDING));
}

/** Left-to-right layout of the task graph by dagre; upstream on the left. */
function layoutGraph(items: GraphItem[], links: Array<[string, string]>): Layout {
  const graph = new Graph<GraphLabel, NodeLabel, EdgeLabel>();
  graph.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 56, marginx: 12, marginy: 12 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const item of items) graph.setNode(item.key, { width: nodeWidth(item), height: NODE_HEIGHT });
  for (const [from, to] of links) graph.setEdge(from, to);
  runLayout(graph);

  const nodes: PlacedNode[] = items.map((item) => {
    const placed = graph.node(item.key);
    return { item, x: placed.x ?? 0, y: placed.y ?? 0, width: placed.width };
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
  /** Task groups: shown collapsed, one node each, until clicked. */
  groups?: TaskGroup[];
  /** States to colour the nodes with, usually those of the newest run. */
  states?: Record<string, TaskState>;
  onSelect?: (taskId: string) => void;
}

export function DagGraph({ tasks, groups = [], states, onSelect }: DagGraphProps) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const layout = useMemo(() => {
    const view = visibleGraph(tasks, groups, expanded);
    return layoutGraph(view.items, view.edges);
  }, [tasks, groups, expanded]);
  const toggle = (groupId: string) =>
    setExpanded((open) => {
      const next = new Set(open);
      // Collapsing a group collapses the groups inside it too.
      if (!open.has(groupId)) next.add(groupId);
      else for (const id of open) if (id === groupId || id.startsWith(`${groupId}.`)) next.delete(id);
      return next;
    });

  return (
    <div className="graph-wrap">
      {expanded.size > 0 && (
        <div className="graph-groups">
          {[...expanded].map((groupId) => (
            <button
              key={groupId}
              type="button"
              className="graph-group-chip"
              data-testid={`graph-collapse-${groupId}`}
              onClick={() => toggle(groupId)}
            >
              ▾ {groupId}
            </button>
          ))}
        </div>
      )}
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
        {layout.nodes.map(({ item, x, y, width }) => {
          const transform = `translate(${x - width / 2},${y - NODE_HEIGHT / 2})`;
          const [title, subtitle] = nodeLines(item);
          if (item.kind === 'group') {
            const { groupId } = item.group;
            return (
              // biome-ignore lint/a11y/useSemanticElements: an SVG node cannot be a <button>; it takes the role, focus and keys of one
              <g
                key={item.key}
                className="graph-node graph-group is-clickable"
                transform={transform}
                data-testid={`graph-group-${groupId}`}
                role="button"
                tabIndex={0}
                aria-label={`group ${groupId}, ${subtitle}: expand`}
                onClick={() => toggle(groupId)}
                onKeyDown={(event) => {
                  if (event.key === 'Enter' || event.key === ' ') toggle(groupId);
                }}
              >
                <title>{`${groupId}: click to expand`}</title>
                <rect width={width} height={NODE_HEIGHT} rx={8} className="graph-node-box graph-group-box" />
                <text x={16} y={20} className="graph-node-title">
                  {fitLabel(title)}
                </text>
                <text x={16} y={36} className="graph-node-subtitle">
                  {subtitle}
                </text>
              </g>
            );
          }
          const { task } = item;
          const state = states?.[task.taskId];
          const style = state ? taskStateStyle(state) : null;
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG node cannot be a <button>; it takes the role, focus and keys of one
            <g
              key={item.key}
              className={`graph-node${onSelect ? ' is-clickable' : ''}`}
              transform={transform}
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
                {fitLabel(title)}
              </text>
              <text x={16} y={36} className="graph-node-subtitle">
                {fitLabel(`${subtitle}${style ? ` · ${style.label}` : ''}`)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
