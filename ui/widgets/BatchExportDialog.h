#pragma once

#include <memory>

#include <QDialog>

#include "core/enhance/EnhancerRegistry.h"
#include "ui/services/BatchTypes.h"
#include "ui/widgets/ParamCommand.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace nocturne::ui {

class BatchExporter;

// Batch export: pick files and folders (or the open files), method, m, gamma, output folder,
// format (JPEG quality, PNG, TIFF 8/16), file-name pattern, metadata copy and what to do when
// an output exists; runs in the background with overall and per-file progress, time left and
// Cancel; failed files are listed with the reason; a summary offers to open the output folder.
// Thread: GUI thread.
class BatchExportDialog : public QDialog {
    Q_OBJECT
public:
    explicit BatchExportDialog(std::shared_ptr<const core::EnhancerRegistry> registry, QWidget* parent = nullptr);

    void setInputs(const QStringList& filesOrFolders);
    QStringList inputs() const;
    void setParams(const EditorParams& params);
    void setOutputDir(const QString& dir);
    QString outputDir() const;
    void setNamePattern(const QString& pattern);
    void setFormat(core::ExportFormat format, int bits = 8);
    // sRGB, or for 16-bit TIFF a linear wide-gamut space (core::OutputSpace).
    void setColorSpace(core::OutputSpace space);
    void setOverwritePolicy(core::OverwritePolicy policy);

    BatchSettings settings() const;
    BatchExporter* exporter() const { return m_exporter; }
    QStringList failureLines() const;
    QString summaryText() const;

public slots:
    bool startExport();
    void cancelExport();

signals:
    void exportFinished(const nocturne::ui::BatchSummary& summary);

private:
    void addFiles();
    void addFolder();
    void browseOutput();
    void syncFormatControls();
    void setRunning(bool running);
    void onFinished(const BatchSummary& summary);

    std::shared_ptr<const core::EnhancerRegistry> m_registry;
    BatchExporter* m_exporter = nullptr;
    QListWidget* m_inputs = nullptr;
    QComboBox* m_method = nullptr;
    QDoubleSpinBox* m_m = nullptr;
    QDoubleSpinBox* m_gamma = nullptr;
    QLineEdit* m_outputDir = nullptr;
    QComboBox* m_format = nullptr;
    QSpinBox* m_quality = nullptr;
    QComboBox* m_bits = nullptr;
    QComboBox* m_space = nullptr;
    QLineEdit* m_pattern = nullptr;
    QCheckBox* m_metadata = nullptr;
    QComboBox* m_overwrite = nullptr;
    QProgressBar* m_overall = nullptr;
    QProgressBar* m_file = nullptr;
    QLabel* m_current = nullptr;
    QLabel* m_eta = nullptr;
    QListWidget* m_failures = nullptr;
    QLabel* m_summary = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_openFolder = nullptr;
    EditorParams m_editorParams;   // what the editor had when the dialog was opened
    double m_shownM = 0.0;         // what the m and gamma spin boxes showed for it
    double m_shownGamma = 0.0;
};

}  // namespace nocturne::ui
