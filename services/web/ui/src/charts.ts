// Apache ECharts, only the parts the oversight page draws, loaded on that page alone (a dynamic
// import: the other pages do not download it). SVG rendering keeps Chinese labels as text,
// crisp at any zoom, in the page's own fonts. See services/web/README.md for the choice.
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import {
  AriaComponent,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components'
import * as echarts from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  AriaComponent,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  SVGRenderer,
])

export { echarts }
