/**
 * The page's one Cornerstone rendering engine and tool group, and the panes
 * (stack viewports) that components enable in it. Mouse bindings: the primary
 * button runs the chosen tool; middle drag pans, right drag zooms and the
 * wheel scrolls, whatever the chosen tool. The brush paints lesion masks.
 *
 *   const viewport = enablePane('left', element); // a Types.IStackViewport
 *   setPrimaryTool('length');
 */
import { RenderingEngine, Enums, type Types } from '@cornerstonejs/core';
import {
  ToolGroupManager,
  Enums as ToolEnums,
  PanTool,
  ZoomTool,
  StackScrollTool,
  WindowLevelTool,
  LengthTool,
  EllipticalROITool,
  BrushTool,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';

export const ENGINE_ID = 'clipscan';
const TOOL_GROUP_ID = 'clipscan-tools';

export const PRIMARY_TOOLS = {
  windowLevel: WindowLevelTool.toolName,
  pan: PanTool.toolName,
  zoom: ZoomTool.toolName,
  length: LengthTool.toolName,
  ellipseRoi: EllipticalROITool.toolName,
  /** Paints the lesion mask of an abnormal training image (viewer/lesion-masks.ts). */
  brush: 'LesionBrush',
} as const;
export type PrimaryTool = keyof typeof PRIMARY_TOOLS;

let engine: RenderingEngine | null = null;
let toolGroup: ToolTypes.IToolGroup | null = null;
let primary: PrimaryTool = 'windowLevel';

export function getEngine(): RenderingEngine {
  engine ??= new RenderingEngine(ENGINE_ID);
  return engine;
}

function getToolGroup(): ToolTypes.IToolGroup {
  if (toolGroup) return toolGroup;
  const group = ToolGroupManager.createToolGroup(TOOL_GROUP_ID) ?? ToolGroupManager.getToolGroup(TOOL_GROUP_ID)!;
  for (const name of Object.values(PRIMARY_TOOLS)) if (name !== PRIMARY_TOOLS.brush) group.addTool(name);
  group.addToolInstance(PRIMARY_TOOLS.brush, BrushTool.toolName, { activeStrategy: 'FILL_INSIDE_CIRCLE' });
  group.addTool(StackScrollTool.toolName);
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
  group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Wheel }] });
  group.setToolActive(PRIMARY_TOOLS[primary], { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
  toolGroup = group;
  return group;
}

export function setPrimaryTool(tool: PrimaryTool): void {
  const group = getToolGroup();
  if (tool === primary) return;
  group.setToolPassive(PRIMARY_TOOLS[primary]);
  group.setToolActive(PRIMARY_TOOLS[tool], { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
  primary = tool;
}

export const TOOL_GROUP = TOOL_GROUP_ID;

export function enablePane(paneId: string, element: HTMLDivElement): Types.IStackViewport {
  const rendering = getEngine();
  rendering.enableElement({ viewportId: paneId, element, type: Enums.ViewportType.STACK, defaultOptions: { background: [0, 0, 0] } });
  getToolGroup().addViewport(paneId, ENGINE_ID);
  return rendering.getViewport(paneId) as Types.IStackViewport;
}

export function disablePane(paneId: string): void {
  toolGroup?.removeViewports(ENGINE_ID, paneId);
  engine?.disableElement(paneId);
}

export function getPane(paneId: string): Types.IStackViewport | null {
  return (engine?.getViewport(paneId) as Types.IStackViewport | undefined) ?? null;
}

export function allPanes(): Types.IStackViewport[] {
  return (engine?.getViewports() ?? []).filter((vp) => vp.type === Enums.ViewportType.STACK) as Types.IStackViewport[];
}
